// @team-client: what the window sends while the team server cannot be reached. The window's
// requests go through forwardRendererRequest exactly as Electron main routes them, to the real
// team client, against a real server process that is stopped and started again.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Result } from '../../electron/shared/api/result'
import type { Contact, Conversation, Message } from '../../electron/shared/domain'
import { isWaitingForConnection, outboxMessageId } from '../../electron/shared/offline-outbox'
import { forwardRendererRequest } from '../../electron/team-client/renderer-requests'
import { TeamClient, type TeamClientEvent } from '../../electron/team-client/team-client'
import { deviceToken, startServerProcess, type ServerProcess } from './server-process'

const picture = readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'icon.png'))
const storeDir = mkdtempSync(join(tmpdir(), 'greenline-window-outbox-'))
let server: ServerProcess
let client: TeamClient

const until = (check: () => void) => vi.waitFor(check, { timeout: 60_000, interval: 25 })

/** What the window gets back for a request, as main answers it in team mode. */
async function fromWindow<T>(channel: string, payload: unknown): Promise<Result<T>> {
  return (await forwardRendererRequest(client, channel, payload, { connectWaitMs: 50 })) as Result<T>
}

async function value<T>(channel: string, payload: unknown): Promise<T> {
  const result = await fromWindow<T>(channel, payload)
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`)
  return result.value
}

beforeAll(async () => {
  server = await startServerProcess(['priya'])
  client = new TeamClient({
    serverUrl: server.url,
    token: (await deviceToken(server.url, 'priya')).token,
    userId: 'priya',
    storeDir,
    backoff: { baseMs: 20, maxMs: 200 },
  })
  client.start()
}, 120_000)

afterAll(async () => {
  client.close()
  await server.dispose()
  rmSync(storeDir, { recursive: true, force: true })
})

describe('the window’s sends while offline go into the offline outbox @team-client', () => {
  it('queues text and a picture as "waiting for connection" and sends them once each, in order, when the server returns', async () => {
    await until(() => expect(client.state.status).toBe('online'))
    const ana = await value<Contact>('contacts:create', { name: 'Ana Souza', phone: '+14155550101' })
    const conversation = await value<Conversation>('conversations:start', { contactId: ana.id, channel: 'whatsapp' })
    const events: TeamClientEvent[] = []
    client.on((event) => events.push(event))

    await server.stop()
    await until(() => expect(client.state.status).toBe('offline'))

    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()]
    const first = await fromWindow<Message>('messages:send', {
      conversationId: conversation.id,
      text: 'first while away',
      clientId: ids[0],
    })
    expect(first).toMatchObject({ ok: true, value: { id: outboxMessageId(ids[0]), status: 'queued', text: 'first while away' } })
    expect(first.ok && isWaitingForConnection(first.value)).toBe(true)
    // The window asking again with the same clientId (a lost answer) writes nothing new.
    await fromWindow('messages:send', { conversationId: conversation.id, text: 'first while away', clientId: ids[0] })
    await value('messages:send', { conversationId: conversation.id, text: 'second while away', clientId: ids[1] })

    // A picture: the upload stays on this computer, its message then goes into the outbox with the bytes.
    const uploaded = await value<{ mediaId: string }>('media:upload', { bytes: new Uint8Array(picture), filename: 'shelf.png' })
    expect(uploaded.mediaId).toMatch(/^[0-9a-f]{64}$/)
    const pictureMessage = await value<Message>('messages:send', {
      conversationId: conversation.id,
      mediaId: uploaded.mediaId,
      caption: 'the shelf',
      clientId: ids[2],
    })
    expect(pictureMessage).toMatchObject({ kind: 'image', status: 'queued', media: { caption: 'the shelf' } })

    // Bad input is refused as the server would, and nothing is written.
    expect(await fromWindow('messages:send', { conversationId: conversation.id, text: '   ', clientId: randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    })
    // One the person takes back (Up in the composer, or Cancel) never goes.
    await value('messages:send', { conversationId: conversation.id, text: 'taken back', clientId: ids[3] })
    expect(await value<Message>('messages:cancel', { id: outboxMessageId(ids[3]) })).toMatchObject({ status: 'cancelled' })

    expect(client.outbox().map((e) => e.clientId)).toEqual(ids.slice(0, 3))
    expect(client.outboxCounts()).toEqual({ waiting: 3, failed: 0 })
    // Reopening the thread offline shows them at its end, still waiting.
    const page = await value<Message[]>('messages:list', { conversationId: conversation.id, limit: 50 })
    expect(page.slice(-3).map((m) => [m.id, m.status])).toEqual(ids.slice(0, 3).map((id) => [outboxMessageId(id), 'queued']))

    await server.start()
    await until(() => expect(client.outboxCounts()).toEqual({ waiting: 0, failed: 0 }))

    // Each took its waiting copy's place, in the order written.
    const sent = events.filter((e): e is Extract<TeamClientEvent, { type: 'sent' }> => e.type === 'sent')
    expect(sent.map((e) => e.entry.clientId)).toEqual(ids.slice(0, 3))
    // On the server: once each, in order, the picture with its caption; the one taken back is not there.
    const onServer = (await value<Message[]>('messages:list', { conversationId: conversation.id, limit: 100 })).filter(
      (m) => m.direction === 'out' && m.kind !== 'template',
    )
    expect(onServer.map((m) => (m.kind === 'image' ? `[image] ${m.media?.caption ?? m.text}` : m.text))).toEqual([
      'first while away',
      'second while away',
      '[image] the shelf',
    ])
    expect(onServer.map((m) => m.id)).toEqual(sent.map((e) => e.message.id))
    expect(onServer.some((m) => m.id.startsWith('outbox:'))).toBe(false)

    // The window sending the first again with its clientId (an answer it never got) gets the same message back.
    const again = await value<Message>('messages:send', { conversationId: conversation.id, text: 'first while away', clientId: ids[0] })
    expect(again.id).toBe(sent[0].message.id)
  }, 180_000)

  it('what changed while the app was closed reaches the windows as events when it catches up', async () => {
    client.close()
    // Meanwhile, on another computer of the same user.
    const otherDir = mkdtempSync(join(tmpdir(), 'greenline-window-outbox-other-'))
    const other = new TeamClient({
      serverUrl: server.url,
      token: (await deviceToken(server.url, 'priya', 'laptop')).token,
      userId: 'priya',
      storeDir: otherDir,
    })
    other.start()
    await until(() => expect(other.state.status).toBe('online'))
    const ben = (await other.request('contacts:create', { name: 'Ben Okafor', phone: '+14155550102' })) as Result<Contact>
    other.close()
    rmSync(otherDir, { recursive: true, force: true })

    client = new TeamClient({ serverUrl: server.url, token: (await deviceToken(server.url, 'priya')).token, userId: 'priya', storeDir })
    const events: TeamClientEvent[] = []
    client.on((event) => events.push(event))
    client.start()
    await until(() => expect(events.some((e) => e.type === 'synced')).toBe(true))
    expect(events).toContainEqual({
      type: 'event',
      event: 'contacts:changed',
      payload: expect.objectContaining({ id: ben.ok && ben.value.id }),
    })
    expect(events.find((e) => e.type === 'synced')).toMatchObject({ requests: 1 })
  }, 120_000)
})
