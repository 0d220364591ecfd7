// @team-client: the composed desktop app (mocked electron) signed in to a real team server process,
// on Windows: the quick-reply popover and grouped notifications work from the server's events, the
// deep link opens the server's contact, and the tray says where the connection stands.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FakeBrowserWindow, FakeNotification, FakeTray, type FakeWebContents, resetFakes } from './fake-electron'
import type { Desktop } from '../../electron/main/desktop-app'
import type { Contact, Conversation, Message, Session } from '../../electron/shared/domain'
import { PASSWORD, startServerProcess, type ServerProcess } from '../team-client/server-process'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const electron = (await import('electron')) as unknown as ReturnType<typeof import('./fake-electron').electronModule>
const { startDesktop } = await import('../../electron/main/desktop-app')

const ANA = '+14155550101'
const userDataDir = mkdtempSync(join(tmpdir(), 'greenline-desktop-team-'))
const APP = pathToFileURL(join(userDataDir, 'renderer', 'index.html')).href
let server: ServerProcess
let desktop: Desktop

const until = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 60_000, interval: 50 })
const call = async <T>(channel: string, payload: unknown, frame = APP): Promise<T> => {
  const result = (await electron.ipcMain.invoke(`api:${channel}`, frame, payload)) as { ok: boolean; value?: T; error?: unknown }
  if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`)
  return result.value as T
}

beforeAll(async () => {
  server = await startServerProcess(['priya'])
  resetFakes()
  desktop = await startDesktop({
    userDataDir,
    rendererDir: join(userDataDir, 'renderer'),
    preload: '/app/out/preload/index.cjs',
    resourcesDir: join(process.cwd(), 'resources'),
    env: {},
    platform: 'win32',
  })
  const status = await desktop.team.signInWithPassword(server.url, 'priya', PASSWORD)
  expect(status.message).toBeUndefined()
  await until(() => expect(desktop.team.status().connection).toBe('online'))
}, 120_000)

afterAll(async () => {
  await desktop?.shutdown()
  await server?.dispose()
  rmSync(userDataDir, { recursive: true, force: true })
})

describe('the desktop app in team mode on Windows @team-client', () => {
  let ana: Contact
  let conversation: Conversation

  it('the tray says it is connected; the deep link opens the contact the server has', async () => {
    await desktop.tray.refresh()
    expect(FakeTray.instances[0].tooltip).toContain('Connected to the team server')
    ana = await call<Contact>('contacts:create', { name: 'Ana Souza', phone: ANA })
    desktop.handleDeepLink(`greenline://contact/${encodeURIComponent(ANA)}`)
    await until(() => expect(FakeBrowserWindow.instances[0].loaded.at(-1)).toBe(`${APP}#/contacts/${encodeURIComponent(ana.id)}`))
  })

  it('inbound messages from the server: one notification per conversation; a click opens the quick-reply popover, whose reply goes to the server', async () => {
    conversation = await call<Conversation>('conversations:start', { contactId: ana.id, channel: 'whatsapp' })
    const { org } = await call<Session>('session:get', {})
    const writes = (body: unknown) =>
      fetch(`${org.sandboxUrl}/sandbox/users/${encodeURIComponent(ANA)}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
    await writes({ buttonPayload: 'CONSENT_YES' })
    await writes({ text: 'Is my crown ready?' })
    await until(() => expect(FakeNotification.instances.map((n) => n.options.body)).toContain('Is my crown ready?'))
    await writes({ text: 'I can come at 4' })
    await until(() => expect(FakeNotification.instances.map((n) => n.options.body)).toContain('I can come at 4'))
    const mine = FakeNotification.instances.filter((n) => n.options.title === 'Ana Souza')
    // The newest stands for the conversation; the ones before it were taken away.
    expect(mine.filter((n) => !n.closed)).toHaveLength(1)
    expect(mine.at(-1)!.options.hasReply).toBeUndefined()

    mine.at(-1)!.emit('click')
    const popover = desktop.quickReply.window() as unknown as FakeBrowserWindow
    const popoverUrl = popover.loaded.at(-1)!
    expect(popoverUrl).toBe(`${APP}#/quick-reply/${encodeURIComponent(conversation.id)}`)
    const sent = await call<Message>(
      'messages:send',
      { conversationId: conversation.id, text: 'Yes, see you at 4', clientId: 'popover-1' },
      popoverUrl,
    )
    expect(sent.id).not.toMatch(/^outbox:/)
    // The server's event reaches both windows.
    await until(() => {
      for (const contents of [FakeBrowserWindow.instances[0].webContents, popover.webContents] as FakeWebContents[]) {
        expect(
          contents.sent.some(([channel, payload]) => channel === 'event:messages:changed' && (payload as Message).id === sent.id),
        ).toBe(true)
      }
    })
    // Nothing of it went to this computer's own engine.
    const local = await desktop.runtime.engine.dispatch({ userId: 'priya' }, 'contacts:list', {})
    expect(local).toMatchObject({ ok: true, value: [] })
  }, 120_000)
})
