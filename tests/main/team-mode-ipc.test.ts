// @team-client: the renderer's IPC in team mode, with a mocked electron and a real team server
// process: signed out, the local engine answers; signed in, the team server does, as the device
// token's user whatever the payload says; its live events reach the windows; switching reloads them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PASSWORD, startServerProcess, type ServerProcess } from '../team-client/server-process'
import { createIpcMain, createSafeStorage, FakeWebContents } from './fake-electron'
import type { SqliteEngine } from '../../electron/core/engine'
import type { TeamSession } from '../../electron/team-client/team-session'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { createEngine } = await import('../../electron/core/engine')
const { demoOrgPolicy } = await import('../../electron/launcher/demo-org')
const { REQUEST_CHANNELS } = await import('../../electron/shared/api/contract')
const { createAppLocation } = await import('../../electron/main/app-location')
const { forwardEvents, registerIpc } = await import('../../electron/main/ipc')
const { openSettings } = await import('../../electron/main/settings')
const { SignedInUser } = await import('../../electron/main/signed-in-user')
const { createDesktopTeamSession } = await import('../../electron/main/team-server')
const { forwardTeamEvents, reloadOnTeamSwitch } = await import('../../electron/main/team-mode')

const rendererDir = join(tmpdir(), 'greenline-team-mode-renderer')
const location = createAppLocation({ rendererDir })
const APP = pathToFileURL(join(rendererDir, 'index.html')).href

let server: ServerProcess
let engine: SqliteEngine
let session: TeamSession
let ipcMain: ReturnType<typeof createIpcMain>
let dispatch: ReturnType<typeof vi.spyOn>
const window = new FakeWebContents()
const reload = vi.fn()
const stops: Array<() => void> = []
const dirs: string[] = []

const until = (check: () => void) => vi.waitFor(check, { timeout: 30_000, interval: 25 })
const invoke = (channel: string, payload: unknown = {}, frame: string | null = APP) =>
  ipcMain.invoke(`api:${channel}`, frame, payload) as any

beforeAll(async () => {
  server = await startServerProcess(['priya'])
  const dataDir = mkdtempSync(join(tmpdir(), 'greenline-team-mode-'))
  dirs.push(dataDir)
  engine = createEngine({ dataDir: join(dataDir, 'engine'), org: demoOrgPolicy() })
  const settings = openSettings({ cwd: dataDir })
  const user = new SignedInUser(settings, engine)
  // Alone on this computer the user was Sam; on the office's server they are priya.
  user.set('sam')
  session = createDesktopTeamSession({
    userDataDir: dataDir,
    settings,
    safeStorage: createSafeStorage(),
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
    platform: 'darwin',
  })
  ipcMain = createIpcMain()
  dispatch = vi.spyOn(engine, 'dispatch')
  const windows = () => [window as never]
  stops.push(
    registerIpc({ ipcMain, engine, user, team: session, isTrustedSender: (url) => location.isAppUrl(url) }),
    forwardEvents(user, windows, session),
    forwardTeamEvents(session, windows),
    reloadOnTeamSwitch(session, reload),
  )
}, 120_000)

afterAll(async () => {
  for (const stop of stops) stop()
  session?.close()
  await engine?.close()
  await server?.dispose()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('renderer requests in solo and team mode @team-client', () => {
  it('signed out of the team server: the local engine answers, as the desktop user', async () => {
    expect(await invoke('session:get')).toMatchObject({ ok: true, value: { user: { id: 'sam' } } })
    expect(dispatch).toHaveBeenCalledWith({ userId: 'sam' }, 'session:get', {})
  })

  it('signed in: the team server answers as the token’s user; the payload cannot choose another', async () => {
    const status = await session.signInWithPassword(server.url, 'priya', PASSWORD)
    expect(status.message).toBeUndefined()
    // Switching told the window to start over, with the server's data.
    expect(reload).toHaveBeenCalledTimes(1)
    dispatch.mockClear()
    // Asked while the connection is still opening, it waits for it rather than failing.
    expect(await invoke('session:get')).toMatchObject({ ok: true, value: { user: { id: 'priya' } } })
    expect(await invoke('session:signIn', { userId: 'sam' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await invoke('session:get')).toMatchObject({ ok: true, value: { user: { id: 'priya' } } })
    // The server validates the payload (its dispatcher, as for the engine): a user id is no field of it.
    expect(await invoke('session:get', { userId: 'sam' })).toMatchObject({ ok: false, error: { code: 'invalid' } })

    expect(await invoke('contacts:create', { name: 'Ben Okafor', phone: '+14155550102', userId: 'sam' })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    })
    const created = await invoke('contacts:create', { name: 'Ben Okafor', phone: '+14155550102' })
    expect(created).toMatchObject({ ok: true, value: { name: 'Ben Okafor' } })
    const onServer = await invoke('contacts:list', {})
    expect(onServer.value.map((c: { id: string }) => c.id)).toContain(created.value.id)
    // Nothing of it reached this computer's own engine.
    expect(dispatch).not.toHaveBeenCalled()
    const local = await engine.dispatch({ userId: 'sam' }, 'contacts:list', {})
    expect((local as any).value.map((c: { name: string }) => c.name)).not.toContain('Ben Okafor')
  })

  it('forwards the server’s live events to the windows and holds the local engine’s back', async () => {
    window.sent.length = 0
    const created = await invoke('contacts:create', { name: 'Chloe Dubois', phone: '+14155550103' })
    await until(() =>
      expect(window.sent).toContainEqual([
        'event:contacts:changed',
        expect.objectContaining({ id: created.value.id, name: 'Chloe Dubois' }),
      ]),
    )
    const solo = (await engine.dispatch({ userId: 'sam' }, 'contacts:create', { name: 'Solo Only', phone: '+14155550104' })) as any
    expect(solo.ok).toBe(true)
    // A server round trip later, the solo contact still has not been sent to the window.
    await invoke('contacts:list', {})
    expect(window.sent.some(([, payload]) => (payload as { name?: string }).name === 'Solo Only')).toBe(false)
  })

  it('a picture from IPC (bytes) reaches the server and is prepared there', async () => {
    const { default: sharp } = await import('sharp')
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } })
      .png()
      .toBuffer()
    const uploaded = await invoke('media:upload', { bytes: new Uint8Array(png), filename: 'scan.png' })
    expect(uploaded).toMatchObject({ ok: true, value: { width: 40, height: 30 } })
    expect(await engine.media.read(uploaded.value.mediaId)).toBeNull()
  })

  it('with the server down, the window still opens as the same user on what the device holds; writes say why they wait', async () => {
    await until(() => expect(session.client!.contacts().map((c) => c.name)).toContain('Chloe Dubois'))
    const chloe = session.client!.contacts().find((c) => c.name === 'Chloe Dubois')!
    const thread = (await invoke('conversations:start', { contactId: chloe.id, channel: 'whatsapp' })).value
    reload.mockClear()
    await server.stop()
    await until(() => expect(session.status().connection).toBe('offline'))
    expect(await invoke('session:get')).toMatchObject({ ok: true, value: { user: { id: 'priya' } } })
    const contacts = await invoke('contacts:list', {})
    expect(contacts.value.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['Ben Okafor', 'Chloe Dubois']))
    expect(await invoke('contacts:create', { name: 'Dan Offline', phone: '+14155550105' })).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: 'Not connected to the Greenline server' },
    })
    // A message waits in the device's outbox, shown as waiting for the connection.
    const written = await invoke('messages:send', { conversationId: thread.id, text: 'See you at 3', clientId: 'window-1' })
    expect(written).toMatchObject({ ok: true, value: { id: 'outbox:window-1', status: 'queued', text: 'See you at 3' } })
    window.sent.length = 0
    await server.start()
    session.client!.retryNow()
    await until(() => expect(session.status().connection).toBe('online'))
    // Once the server has it, its message takes the waiting one's place in the window.
    await until(() =>
      expect(window.sent).toContainEqual([
        'event:messages:changed',
        expect.objectContaining({ text: 'See you at 3', replaces: 'outbox:window-1', id: expect.not.stringMatching(/^outbox:/) }),
      ]),
    )
    // Same client, reconnected: the window keeps its state.
    expect(reload).not.toHaveBeenCalled()
  }, 60_000)

  it('@security frames that are not the app page are still refused, without reaching the server', async () => {
    const request = vi.spyOn(session.client!, 'request')
    for (const channel of REQUEST_CHANNELS) {
      for (const frame of ['https://evil.example/', 'file:///tmp/other.html', null]) {
        expect(await invoke(channel, {}, frame), `${channel} from ${frame}`).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      }
    }
    expect(request).not.toHaveBeenCalled()
    request.mockRestore()
  })

  it('signed out again: the window starts over and the local engine answers', async () => {
    reload.mockClear()
    await session.signOut()
    expect(reload).toHaveBeenCalledTimes(1)
    expect(await invoke('session:get')).toMatchObject({ ok: true, value: { user: { id: 'sam' } } })
  })
})

describe('windows start over when who answers them changes @team-client', () => {
  /** A team session whose client and events the test drives. */
  function fakeSession() {
    const listeners = new Set<(event: any) => void>()
    const session = {
      client: undefined as any,
      on: (listener: (event: any) => void) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
      state(status: string) {
        session.client.state = { status }
        for (const listener of listeners) listener({ type: 'client', event: { type: 'state', state: { status } } })
      },
      status() {
        for (const listener of listeners) listener({ type: 'status', status: {} })
      },
    }
    return session
  }

  it('reloads on sign-in and sign-out, not on every reconnect; and once when a client that started offline first reaches the server', () => {
    const session = fakeSession()
    const reloaded = vi.fn()
    reloadOnTeamSwitch(session, reloaded)
    session.status()
    expect(reloaded).not.toHaveBeenCalled()
    session.client = { state: { status: 'connecting' } }
    session.state('connecting')
    expect(reloaded).toHaveBeenCalledTimes(1)
    session.state('online')
    session.state('offline')
    session.state('connecting')
    session.state('online')
    expect(reloaded).toHaveBeenCalledTimes(1)
    session.client = undefined
    session.status()
    expect(reloaded).toHaveBeenCalledTimes(2)

    // App start with a saved sign-in while the server is down: the window loaded before it was reachable.
    const resumed = fakeSession()
    resumed.client = { state: { status: 'connecting' } }
    const reloadedAfterStart = vi.fn()
    reloadOnTeamSwitch(resumed, reloadedAfterStart)
    resumed.state('offline')
    resumed.state('connecting')
    expect(reloadedAfterStart).not.toHaveBeenCalled()
    resumed.state('online')
    expect(reloadedAfterStart).toHaveBeenCalledTimes(1)
    resumed.state('offline')
    resumed.state('online')
    expect(reloadedAfterStart).toHaveBeenCalledTimes(1)
  })
})
