import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { TEAM_SERVER_CHANNELS } = await import('../../electron/shared/api/team-server')
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

  it('@team-client exposes window.greenlineTeam: one function per Team server channel, nothing else', async () => {
    const [teamName, team] = (electron.contextBridge.exposeInMainWorld as any).mock.calls.find(([n]: [string]) => n === 'greenlineTeam')
    expect(teamName).toBe('greenlineTeam')
    expect(Object.keys(team).sort()).toEqual(['cancelSignIn', 'onChanged', 'retryNow', 'signIn', 'signInWithPassword', 'signOut', 'status'])
    electron.ipcRenderer.invoke.mockClear()
    electron.ipcRenderer.invoke.mockResolvedValue({ ok: true, value: { connection: 'signed-out', signingIn: false } })
    await team.status()
    await team.signIn('https://greenline.example.com')
    await team.signInWithPassword('https://greenline.example.com', 'priya', 'secret')
    await team.cancelSignIn()
    await team.signOut()
    await team.retryNow()
    const calls = electron.ipcRenderer.invoke.mock.calls
    expect(calls.map(([channel]) => channel).sort()).toEqual(TEAM_SERVER_CHANNELS.map((c) => `api:${c}`).sort())
    expect(calls.find(([channel]) => channel === 'api:team:signInPassword')![1]).toEqual({
      serverUrl: 'https://greenline.example.com',
      userId: 'priya',
      password: 'secret',
    })
    electron.ipcRenderer.invoke.mockReset()
    // The contract's entry point cannot reach them (nor listen to their status).
    expect(await api.request('team:signOut', {})).toMatchObject({ ok: false, error: { code: 'invalid' } })
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled()
    expect(() => api.on('team:changed', () => undefined)).toThrow()
    const listener = vi.fn()
    const off = team.onChanged(listener)
    const [channel, handler] = electron.ipcRenderer.on.mock.calls.at(-1)!
    expect(channel).toBe('event:team:changed')
    handler({}, { connection: 'online' })
    expect(listener).toHaveBeenCalledWith({ connection: 'online' })
    off()
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith('event:team:changed', handler)
  })

  it('imports nothing but electron at run time (a sandboxed preload cannot require other modules)', () => {
    const source = readFileSync(join(process.cwd(), 'electron', 'preload', 'index.ts'), 'utf8')
    const valueImports = [...source.matchAll(/^import\s+(?!type\b)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1])
    expect(valueImports).toEqual(['electron'])
  })

  it('tells the main process the window’s language, and nothing that is not a language tag', () => {
    const [, desktop] = (electron.contextBridge.exposeInMainWorld as any).mock.calls.find(([n]: [string]) => n === 'greenlineDesktop')
    electron.ipcRenderer.send.mockClear()
    desktop.setLanguage('pt-BR')
    expect(electron.ipcRenderer.send).toHaveBeenCalledWith('app:language', 'pt-BR')
    electron.ipcRenderer.send.mockClear()
    desktop.setLanguage('../../etc')
    desktop.setLanguage({ length: 2 })
    expect(electron.ipcRenderer.send).not.toHaveBeenCalled()
  })
})
