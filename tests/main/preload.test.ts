import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const electron = (await import('electron')) as unknown as ReturnType<typeof import('./fake-electron').electronModule>
await import('../../electron/preload/index')

describe('preload', () => {
  const [name, api] = (electron.contextBridge.exposeInMainWorld as any).mock.calls[0]

  it('exposes only window.greenline { request, on }', () => {
    expect(name).toBe('greenline')
    expect(Object.keys(api).sort()).toEqual(['on', 'request'])
  })

  it('requests go to api:<channel>; malformed channel names never reach IPC', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: [] })
    expect(await api.request('contacts:list', {})).toEqual({ ok: true, value: [] })
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('api:contacts:list', {})
    electron.ipcRenderer.invoke.mockClear()
    expect(await api.request('../evil', {})).toMatchObject({ ok: false, error: { code: 'invalid' } })
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled()
    electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'api:x:y'"))
    expect(await api.request('x:y', {})).toMatchObject({ ok: false, error: { code: 'invalid' } })
  })

  it('hands a picture to the main process as the same Uint8Array (structured clone), never base64', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { mediaId: 'a'.repeat(64) } })
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47])
    await api.request('media:upload', { bytes, filename: 'scan.png' })
    const [channel, payload] = electron.ipcRenderer.invoke.mock.calls.at(-1)!
    expect(channel).toBe('api:media:upload')
    expect(payload.bytes).toBe(bytes)
    expect(JSON.stringify(payload)).not.toContain('iVBO')
  })

  it('listeners subscribe to event:<name> and return their unsubscribe', () => {
    const listener = vi.fn()
    const off = api.on('messages:changed', listener)
    const [channel, handler] = electron.ipcRenderer.on.mock.calls.at(-1)!
    expect(channel).toBe('event:messages:changed')
    handler({}, { id: 'm1' })
    expect(listener).toHaveBeenCalledWith({ id: 'm1' })
    off()
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith('event:messages:changed', handler)
  })

  it('imports nothing but electron at run time (a sandboxed preload cannot require other modules)', () => {
    const source = readFileSync(join(process.cwd(), 'electron', 'preload', 'index.ts'), 'utf8')
    const valueImports = [...source.matchAll(/^import\s+(?!type\b)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1])
    expect(valueImports).toEqual(['electron'])
  })
})
