// @team-client: in team mode the desktop's pictures (greenline-media://, drag-out) and the
// greenline://contact deep link go to the team server, never to this computer's own engine. Real
// team clients against a real server process; electron mocked.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Contact, Conversation, Message } from '../../electron/shared/domain'
import { deviceToken, startServerProcess, type ServerProcess } from '../team-client/server-process'
import { TeamClient } from '../../electron/team-client/team-client'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { createTeamMediaHandler } = await import('../../electron/main/media-protocol')
const { registerDragOut, DRAG_OUT_CHANNEL } = await import('../../electron/main/drag-out')
const { openTeamDeepLink } = await import('../../electron/main/deep-link')
const { forwardRendererRequest } = await import('../../electron/team-client/renderer-requests')

const APP = 'file:///app/out/renderer/index.html'
const ANA = '+14155550101'
const picture = readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'icon.png'))
const dirs: string[] = []
let server: ServerProcess
let priya: TeamClient
let sam: TeamClient
let ana: Contact
let mediaId: string

const until = (check: () => void) => vi.waitFor(check, { timeout: 60_000, interval: 25 })

async function client(userId: string): Promise<TeamClient> {
  const storeDir = mkdtempSync(join(tmpdir(), `greenline-team-media-${userId}-`))
  dirs.push(storeDir)
  const made = new TeamClient({ serverUrl: server.url, token: (await deviceToken(server.url, userId)).token, userId, storeDir })
  made.start()
  await until(() => expect(made.state.status).toBe('online'))
  return made
}

async function value<T>(c: TeamClient, channel: string, payload: unknown): Promise<T> {
  const result = await c.request(channel, payload)
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`)
  return result.value as T
}

const get = (handler: (request: Request) => Promise<Response>, id: string, headers: Record<string, string> = {}) =>
  handler(new Request(`greenline-media://media/${id}`, { headers }))

beforeAll(async () => {
  server = await startServerProcess(['priya', 'sam'])
  priya = await client('priya')
  sam = await client('sam')
  ana = await value<Contact>(priya, 'contacts:create', { name: 'Ana Souza', phone: ANA })
  const conversation = await value<Conversation>(priya, 'conversations:start', { contactId: ana.id, channel: 'whatsapp' })
  priya.send({ conversationId: conversation.id, picture: { name: 'shelf.png', bytes: picture }, caption: 'the shelf' })
  await until(() => expect(priya.messages(conversation.id).find((m: Message) => m.kind === 'image')?.mediaId).toBeDefined())
  mediaId = priya.messages(conversation.id).find((m: Message) => m.kind === 'image')!.mediaId!
}, 180_000)

afterAll(async () => {
  priya?.close()
  sam?.close()
  await server?.dispose()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('pictures and deep links in team mode @team-client', () => {
  it('the deep link opens the server’s contact, or the add form filled in for a number nobody saved', async () => {
    const navigate = vi.fn()
    const deps = {
      request: (channel: string, payload: unknown) => forwardRendererRequest(priya, channel, payload),
      defaultRegion: 'US',
      navigate,
    }
    expect(await openTeamDeepLink(`greenline://contact/${encodeURIComponent(ANA)}`, deps)).toMatchObject({ id: ana.id })
    expect(navigate).toHaveBeenLastCalledWith(`/contacts/${encodeURIComponent(ana.id)}`)
    // A national number is read in the office's region, as the engine reads it.
    expect(await openTeamDeepLink('greenline://contact/(415)%20555-0199', deps)).toBeUndefined()
    expect(navigate).toHaveBeenLastCalledWith(`/contacts?add=${encodeURIComponent('+14155550199')}`)
    navigate.mockClear()
    expect(await openTeamDeepLink('greenline://settings/wipe', deps)).toBeUndefined()
    expect(navigate).not.toHaveBeenCalled()
  })

  it('greenline-media:// reads the picture from the server with the device token, only for who may see it, with Range', async () => {
    const asPriya = createTeamMediaHandler(() => priya)
    const whole = await get(asPriya, mediaId)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-type')).toMatch(/^image\//)
    const bytes = new Uint8Array(await whole.arrayBuffer())
    expect(bytes.byteLength).toBeGreaterThan(100)
    const part = await get(asPriya, mediaId, { Range: 'bytes=0-9' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 0-9/${bytes.byteLength}`)
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(0, 10))
    // Sam is no participant of that conversation: the server will not give it to his device.
    expect(
      (
        await get(
          createTeamMediaHandler(() => sam),
          mediaId,
        )
      ).status,
    ).toBe(404)
    expect((await get(asPriya, '../../etc/passwd')).status).toBe(400)
    expect(
      (
        await get(
          createTeamMediaHandler(() => undefined),
          mediaId,
        )
      ).status,
    ).toBe(403)
  })

  it('drags the cached picture out as a file; other frames and pictures not on this device are ignored', () => {
    const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>()
    const stop = registerDragOut({
      ipcMain: { on: (channel: string, listener: never) => listeners.set(channel, listener), removeListener: vi.fn() } as never,
      engine: {} as never,
      isTrustedSender: (url) => url === APP,
      icon: (path) => ({ path }) as never,
      fallbackIcon: () => ({ path: 'app-icon' }) as never,
      team: () => priya,
    })
    const drag = (id: string, url = APP) => {
      const startDrag = vi.fn()
      listeners.get(DRAG_OUT_CHANNEL)!({ senderFrame: { url }, sender: { startDrag } }, id)
      return startDrag
    }
    const startDrag = drag(mediaId)
    expect(startDrag).toHaveBeenCalledWith({
      file: expect.stringMatching(/greenline-[0-9a-f]{12}\.(png|jpg|webp)$/),
      icon: { path: 'app-icon' },
    })
    const file = readFileSync(startDrag.mock.calls[0][0].file)
    expect(file.byteLength).toBeGreaterThan(100)
    expect(drag(mediaId, 'https://evil.example/')).not.toHaveBeenCalled()
    expect(drag('0'.repeat(64))).not.toHaveBeenCalled()
    stop()
  })

  it('offline, a picture already read is still shown from the device; one never read says it is not connected', async () => {
    await server.stop()
    await until(() => expect(priya.state.status).toBe('offline'))
    expect(
      (
        await get(
          createTeamMediaHandler(() => priya),
          mediaId,
        )
      ).status,
    ).toBe(200)
    expect(
      (
        await get(
          createTeamMediaHandler(() => sam),
          mediaId,
        )
      ).status,
    ).toBe(503)
  }, 60_000)
})
