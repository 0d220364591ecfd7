import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createIpcMain, FakeWebContents } from './fake-electron'
import type { SqliteEngine } from '../../electron/core/engine'
import type { SignedInUser as SignedInUserType } from '../../electron/main/signed-in-user'
import type { Settings as SettingsType } from '../../electron/main/settings'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { createEngine } = await import('../../electron/core/engine')
const { demoOrgPolicy } = await import('../../electron/launcher/demo-org')
const { REQUEST_CHANNELS, requestChannels } = await import('../../electron/shared/api/contract')
const { createAppLocation } = await import('../../electron/main/app-location')
const { forwardEvents, registerIpc } = await import('../../electron/main/ipc')
const { openSettings } = await import('../../electron/main/settings')
const { SignedInUser } = await import('../../electron/main/signed-in-user')

const rendererDir = join(tmpdir(), 'greenline-ipc-renderer')
const location = createAppLocation({ rendererDir })
const APP = pathToFileURL(join(rendererDir, 'index.html')).href
const POPOVER = `${APP}#/quick-reply/abc`
const FOREIGN = [
  'https://evil.example/',
  'file:///tmp/other.html',
  `${pathToFileURL(join(rendererDir, 'sub', 'index.html')).href}`,
  'devtools://devtools/bundled/x.html',
  '',
]

let engine: SqliteEngine
let settings: SettingsType
let user: SignedInUserType
let ipcMain: ReturnType<typeof createIpcMain>
let dispatch: ReturnType<typeof vi.spyOn>

beforeAll(() => {
  engine = createEngine({ dataDir: mkdtempSync(join(tmpdir(), 'greenline-ipc-')), org: demoOrgPolicy() })
  settings = openSettings({ cwd: mkdtempSync(join(tmpdir(), 'greenline-ipc-settings-')) })
  user = new SignedInUser(settings, engine)
  ipcMain = createIpcMain()
  dispatch = vi.spyOn(engine, 'dispatch')
  registerIpc({ ipcMain, engine, user, isTrustedSender: (url) => location.isAppUrl(url) })
})

afterAll(async () => {
  await engine.close()
})

describe('IPC registration', () => {
  it('registers exactly one api:<channel> handler per contract channel', () => {
    expect(REQUEST_CHANNELS.length).toBe(Object.keys(requestChannels).length)
    expect([...ipcMain.handlers.keys()].sort()).toEqual(REQUEST_CHANNELS.map((c) => `api:${c}`).sort())
  })

  it('answers forbidden to every channel called from a frame that is not the app page, without reaching the engine', async () => {
    dispatch.mockClear()
    for (const channel of REQUEST_CHANNELS) {
      for (const url of [...FOREIGN, null]) {
        expect(await ipcMain.invoke(`api:${channel}`, url, {}), `${channel} from ${url}`).toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        })
      }
    }
    expect(dispatch).not.toHaveBeenCalled()
  })

  it('before sign-in: session:get says sign-in is required, org users are listed, other channels are forbidden', async () => {
    expect(await ipcMain.invoke('api:session:get', APP)).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { signInRequired: true } },
    })
    const users = (await ipcMain.invoke('api:org:users', APP)) as { ok: true; value: Array<{ id: string }> }
    expect(users.value.map((u) => u.id)).toEqual(expect.arrayContaining(['priya', 'sam', 'alex']))
    expect(await ipcMain.invoke('api:contacts:list', APP, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('session:signIn chooses the desktop user (kept in settings) and later requests act as that user', async () => {
    expect(await ipcMain.invoke('api:session:signIn', APP, { userId: 'nobody' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(settings.signedInUserId()).toBeUndefined()
    expect(await ipcMain.invoke('api:session:signIn', APP, { userId: 'priya' })).toMatchObject({
      ok: true,
      value: { user: { id: 'priya' } },
    })
    expect(settings.signedInUserId()).toBe('priya')
    expect(await ipcMain.invoke('api:session:get', `${APP}#/messages`)).toMatchObject({
      ok: true,
      value: { user: { id: 'priya', name: 'Priya Shah' } },
    })
    dispatch.mockClear()
    await ipcMain.invoke('api:contacts:list', APP, {})
    expect(dispatch).toHaveBeenCalledWith({ userId: 'priya' }, 'contacts:list', {})
    // Validation stays in the engine's dispatcher.
    expect(await ipcMain.invoke('api:contacts:create', APP, { name: 42 })).toMatchObject({ ok: false, error: { code: 'invalid' } })
  })

  it('media:upload takes the picture as a Uint8Array and prepares it; bytes that are no picture are refused', async () => {
    const { default: sharp } = await import('sharp')
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } })
      .png()
      .toBuffer()
    const bytes = new Uint8Array(png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength))
    const uploaded = (await ipcMain.invoke('api:media:upload', APP, { bytes, filename: 'scan.png' })) as any
    expect(uploaded).toMatchObject({ ok: true, value: { width: 40, height: 30, mimeType: expect.stringMatching(/^image\//) } })
    expect(await engine.media.read(uploaded.value.mediaId)).not.toBeNull()
    const notAPicture = await ipcMain.invoke('api:media:upload', APP, { bytes: new TextEncoder().encode('hello') })
    expect(notAPicture).toMatchObject({ ok: false, error: { code: 'invalid' } })
    expect(await ipcMain.invoke('api:media:upload', APP, { bytes: new Uint8Array(0) })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    })
  })

  it('a reply from the quick-reply popover (its own route of the app page) sends the message', async () => {
    const contact = (await ipcMain.invoke('api:contacts:create', APP, { name: 'Dan Notonwa', phone: '+14155550199' })) as any
    const started = (await ipcMain.invoke('api:conversations:start', APP, { contactId: contact.value.id, channel: 'sms' })) as any
    expect(started.ok).toBe(true)
    const sent = (await ipcMain.invoke('api:messages:send', POPOVER, {
      conversationId: started.value.id,
      text: 'Sent from the popover',
    })) as any
    expect(sent).toMatchObject({ ok: true, value: { direction: 'out', text: 'Sent from the popover', authorId: 'priya' } })
    const thread = (await ipcMain.invoke('api:messages:list', APP, { conversationId: started.value.id })) as any
    expect(thread.value.map((m: { text?: string }) => m.text)).toContain('Sent from the popover')
  })

  it('forwards the signed-in user’s engine events to the windows as event:<name>', async () => {
    const main = new FakeWebContents()
    const closed = new FakeWebContents()
    closed.destroyed = true
    const stop = forwardEvents(user, () => [main, closed, undefined] as never)
    const created = (await ipcMain.invoke('api:contacts:create', APP, { name: 'Ben Okafor', phone: '+14155550102' })) as any
    await vi.waitFor(() =>
      expect(main.sent.some(([channel, payload]) => channel === 'event:contacts:changed' && (payload as any).id === created.value.id)).toBe(
        true,
      ),
    )
    expect(closed.sent).toEqual([])
    stop()
  })
})
