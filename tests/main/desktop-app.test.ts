import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FakeBrowserWindow, FakeTray, FakeWebContents, resetFakes } from './fake-electron'
import type { Desktop } from '../../electron/main/desktop-app'
import type { Contact, Conversation, Message } from '../../electron/shared/domain'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const electron = (await import('electron')) as unknown as ReturnType<typeof import('./fake-electron').electronModule>
const { startDesktop } = await import('../../electron/main/desktop-app')
const { REQUEST_CHANNELS } = await import('../../electron/shared/api/contract')
const { TEAM_SERVER_CHANNELS } = await import('../../electron/shared/api/team-server')

const userDataDir = mkdtempSync(join(tmpdir(), 'greenline-desktop-'))
const rendererDir = join(userDataDir, 'renderer')
const APP = pathToFileURL(join(rendererDir, 'index.html')).href
let desktop: Desktop

const call = async <T>(channel: string, payload: unknown, frame = APP): Promise<T> => {
  const result = (await electron.ipcMain.invoke(`api:${channel}`, frame, payload)) as { ok: boolean; value?: T; error?: unknown }
  if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`)
  return result.value as T
}
const sandbox = async (path: string, body?: unknown) => {
  const response = await fetch(
    `${desktop.runtime.sandbox!.url}${path}`,
    body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
  )
  return response.json()
}

beforeAll(async () => {
  resetFakes()
  desktop = await startDesktop({
    userDataDir,
    rendererDir,
    preload: '/app/out/preload/index.cjs',
    resourcesDir: join(process.cwd(), 'resources'),
    env: {},
    platform: 'darwin',
  })
})

afterAll(async () => {
  await desktop?.shutdown()
})

describe('the desktop app composed with a mocked electron', () => {
  it('opens one secure main window, a tray, the media protocol and an IPC handler per channel', () => {
    const [window] = FakeBrowserWindow.instances
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: '/app/out/preload/index.cjs',
    })
    expect(window.loaded).toEqual([APP])
    expect(FakeTray.instances).toHaveLength(1)
    expect(electron.protocol.handle).toHaveBeenCalledWith('greenline-media', expect.any(Function))
    // The contract's channels, plus the desktop's own "Team server" settings channels (@team-client).
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(
      [...REQUEST_CHANNELS, ...TEAM_SERVER_CHANNELS].map((c) => `api:${c}`).sort(),
    )
    expect(electron.app.listenerCount('web-contents-created')).toBe(1)
    expect(desktop.runtime.sandbox).toBeDefined()
    // Through utilityProcess, not Electron's binary run as Node (the RunAsNode fuse is off).
    const [script, args, options] = electron.utilityProcess.fork.mock.calls[0]
    expect(script).toMatch(/sandbox/)
    expect(args).not.toContain('--exit-with-parent')
    expect(options?.env).not.toHaveProperty('ELECTRON_RUN_AS_NODE')
  })

  it('opens the logs folder from the tray, for a user asked to send their logs', () => {
    electron.app.getPath.mockClear()
    FakeTray.instances[0].item('logs').click()
    expect(electron.app.getPath).toHaveBeenCalledWith('logs')
    expect(electron.shell.openPath).toHaveBeenCalledWith(electron.app.getPath.mock.results[0].value)
  })

  it('holds a deep link until someone signs in, then offers to save the new number', async () => {
    desktop.handleDeepLink('greenline://contact/+14155550101')
    const window = FakeBrowserWindow.instances[0]
    expect(window.loaded).toEqual([APP])
    await call('session:signIn', { userId: 'priya' })
    await vi.waitFor(() => expect(window.loaded.at(-1)).toBe(`${APP}#/contacts?add=${encodeURIComponent('+14155550101')}`))
    expect(await call<Contact[]>('contacts:list', {})).toEqual([])
  })

  it('a reply typed in the quick-reply popover reaches the WhatsApp sandbox, and events reach the windows', async () => {
    const contact = await call<Contact>('contacts:create', { name: 'Ana Souza', phone: '+14155550101' })
    const conversation = await call<Conversation>('conversations:start', { contactId: contact.id, channel: 'whatsapp' })
    // Ana answers the request once it has reached her phone.
    await vi.waitFor(async () =>
      expect((await call<Message[]>('messages:list', { conversationId: conversation.id }))[0]?.providerId).toBeDefined(),
    )
    await sandbox('/sandbox/users/%2B14155550101/messages', { buttonPayload: 'CONSENT_YES' })
    await vi.waitFor(async () => expect((await call<Conversation>('conversations:get', { id: conversation.id })).consent).toBe('granted'), {
      timeout: 10_000,
    })

    const popover = desktop.quickReply.open(conversation.id) as unknown as FakeBrowserWindow
    const popoverUrl = popover.loaded.at(-1)!
    expect(popoverUrl).toBe(`${APP}#/quick-reply/${encodeURIComponent(conversation.id)}`)
    const sent = await call<Message>('messages:send', { conversationId: conversation.id, text: 'Your crown is ready' }, popoverUrl)
    await vi.waitFor(
      async () => {
        const deliveries = (await sandbox('/sandbox/deliveries?phone=%2B14155550101')) as Array<{ text?: string }>
        expect(deliveries.map((d) => d.text)).toContain('Your crown is ready')
      },
      { timeout: 10_000 },
    )
    const main = FakeBrowserWindow.instances[0].webContents
    await vi.waitFor(() => {
      for (const contents of [main, popover.webContents] as FakeWebContents[]) {
        expect(
          contents.sent.some(([channel, payload]) => channel === 'event:messages:changed' && (payload as Message).id === sent.id),
        ).toBe(true)
      }
    })
  })

  it('Quit drains: the tray goes away, IPC handlers are removed and the database is closed', async () => {
    await desktop.shutdown()
    expect(FakeTray.instances[0].destroyed).toBe(true)
    expect(electron.ipcMain.handlers.size).toBe(0)
    expect(desktop.runtime.engine.db.open).toBe(false)
    expect(desktop.isQuitting()).toBe(true)
  })
})
