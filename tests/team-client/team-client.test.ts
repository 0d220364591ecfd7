// @team-client: the desktop's team client (the real modules, under Node) against a real server
// process with its sandbox, over real WebSockets.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { TeamClient } from '../../electron/team-client/team-client'
import type { Contact, Conversation, Session } from '../../electron/shared/domain'
import { deviceToken, revokeToken, startServerProcess, type ServerProcess } from './server-process'

const ANA = '+14155550101'
const picture = readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'icon.png'))
const dirs: string[] = []
const clients: TeamClient[] = []
let server: ServerProcess

function client(
  userId: string,
  token: string,
  storeDir = mkdtempSync(join(tmpdir(), `greenline-client-${userId}-`)),
  setTimer?: (run: () => void, ms: number) => () => void,
): TeamClient {
  dirs.push(storeDir)
  const made = new TeamClient({
    serverUrl: server.url,
    token,
    userId,
    storeDir,
    backoff: { baseMs: 20, maxMs: 200 },
    ...(setTimer ? { setTimer } : {}),
  })
  clients.push(made)
  made.start()
  return made
}

async function value<T>(c: TeamClient, channel: string, payload: unknown): Promise<T> {
  const result = await c.request(channel, payload)
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`)
  return result.value as T
}

const until = (check: () => void) => vi.waitFor(check, { timeout: 60_000, interval: 25 })

async function sandbox(c: TeamClient, path: string, init?: RequestInit): Promise<unknown> {
  const { org } = await value<Session>(c, 'session:get', {})
  const response = await fetch(`${org.sandboxUrl}${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json' },
  })
  return response.json()
}

beforeAll(async () => {
  server = await startServerProcess(['priya', 'sam'])
}, 120_000)

afterAll(async () => {
  for (const c of clients) c.close()
  await server.dispose()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('the desktop app as a team client @team-client', () => {
  let a: TeamClient
  let b: TeamClient
  let conversation: Conversation

  it('A sends; B receives the event and its local store has it', async () => {
    a = client('priya', (await deviceToken(server.url, 'priya')).token)
    b = client('sam', (await deviceToken(server.url, 'sam')).token)
    await until(() => expect([a.state.status, b.state.status]).toEqual(['online', 'online']))

    const ana = await value<Contact>(a, 'contacts:create', { name: 'Ana Souza', phone: ANA })
    conversation = await value<Conversation>(a, 'conversations:start', { contactId: ana.id, channel: 'whatsapp' })
    await value(a, 'conversations:addParticipant', { id: conversation.id, userId: 'sam' })
    // Ana taps Yes on the opt-in request once it is on her phone (a busy machine may take a while).
    await vi.waitFor(
      async () =>
        expect(await sandbox(a, `/sandbox/deliveries?phone=${encodeURIComponent(ANA)}`)).toContainEqual(
          expect.objectContaining({ type: 'template' }),
        ),
      { timeout: 60_000, interval: 100 },
    )
    await sandbox(a, `/sandbox/users/${encodeURIComponent(ANA)}/messages`, {
      method: 'POST',
      body: JSON.stringify({ buttonPayload: 'CONSENT_YES' }),
    })
    await until(() => expect(a.conversations().find((c) => c.id === conversation.id)?.consent).toBe('granted'))

    a.send({ conversationId: conversation.id, text: 'Your order is ready' })
    await until(() => expect(b.messages(conversation.id).map((m) => m.text)).toContainEqual(expect.stringContaining('Your order is ready')))
    expect(b.conversations().map((c) => c.id)).toContain(conversation.id)
    expect(b.search('order ready').map((m) => m.conversationId)).toContain(conversation.id)
  }, 120_000)

  it('sends what was written while the server was down once each, in order, when it returns', async () => {
    await server.stop()
    await until(() => expect(a.state.status).toBe('offline'))
    for (const text of ['first while away', 'second while away', 'third while away']) a.send({ conversationId: conversation.id, text })
    a.send({ conversationId: conversation.id, picture: { name: 'shelf.png', bytes: picture }, caption: 'the shelf' })
    expect(a.outbox().map((e) => e.state)).toEqual(['waiting', 'waiting', 'waiting', 'waiting'])
    // Offline, the app still reads what it holds.
    expect(a.messages(conversation.id).map((m) => m.text)).toContainEqual(expect.stringContaining('Your order is ready'))

    await server.start()
    await until(() => expect(a.outboxCounts()).toEqual({ waiting: 0, failed: 0 }))
    // Ana writes again, so her reply window is open whatever the restart did to the sandbox's clock.
    await sandbox(a, `/sandbox/users/${encodeURIComponent(ANA)}/messages`, { method: 'POST', body: JSON.stringify({ text: 'ok' }) })
    const delivered = async () =>
      (
        (await sandbox(a, `/sandbox/deliveries?phone=${encodeURIComponent(ANA)}`)) as Array<{
          type: string
          text?: string
          caption?: string
        }>
      )
        // The sandbox keeps its delivery log across the restart: only what was written while away.
        .filter((d) => d.type !== 'template' && !d.text?.includes('Your order is ready'))
        .map((d) => d.text ?? `[${d.type}] ${d.caption ?? ''}`)
    await vi.waitFor(async () => expect(await delivered()).toHaveLength(4), { timeout: 60_000, interval: 100 })
    const log = await delivered()
    expect(log[0]).toContain('first while away')
    expect(log[1]).toContain('second while away')
    expect(log[2]).toContain('third while away')
    expect(log[3]).toMatch(/^\[image\].*the shelf/)
    // A's store shows them sent (the server's own messages, not the outbox's copies).
    await until(() => {
      const mine = a.messages(conversation.id).filter((m) => m.direction === 'out' && m.kind !== 'template')
      expect(mine.slice(-4).map((m) => m.status)).toEqual(Array.from({ length: 4 }, () => expect.stringMatching(/^(sent|delivered|read)$/)))
    })
  }, 180_000)

  it('uploads pictures as raw bytes over HTTP; a file that is no picture fails alone, with the server’s words', async () => {
    // Calls through: only records which channels went over the socket.
    const overSocket = vi.spyOn(
      (a as unknown as { connection: { request(channel: string, payload: unknown): unknown } }).connection,
      'request',
    )
    a.send({ conversationId: conversation.id, picture: { name: 'shelf.png', bytes: picture }, caption: 'the second shelf' })
    const notAPicture = a.send({
      conversationId: conversation.id,
      picture: { name: 'notes.txt', bytes: Buffer.from('these are my notes, not a picture') },
    })
    a.send({ conversationId: conversation.id, text: 'after the notes' })
    await until(() => expect(a.outboxCounts()).toEqual({ waiting: 0, failed: 1 }))
    const failed = a.outbox().find((e) => e.clientId === notAPicture.clientId)
    expect(failed?.state).toBe('failed')
    expect(failed?.error).toMatch(/picture|image|type|support/i)
    // The picture before it and the text after it went (the server's own messages, in A's store).
    await until(() =>
      expect(a.messages(conversation.id).map((m) => m.text ?? m.media?.caption)).toEqual(
        expect.arrayContaining([expect.stringContaining('the second shelf'), expect.stringContaining('after the notes')]),
      ),
    )
    expect(overSocket.mock.calls.map(([channel]) => channel)).not.toContain('media:upload')
    overSocket.mockRestore()
    expect(a.cancel(notAPicture.clientId)).toBe(true)
    expect(a.outboxCounts()).toEqual({ waiting: 0, failed: 0 })
  }, 120_000)

  it('catches up on 1,000 missed events in one request', async () => {
    b.close()
    const csv = ['name,phone', ...Array.from({ length: 1000 }, (_, i) => `Guest ${i},+1415555${String(2000 + i).padStart(4, '0')}`)].join(
      '\n',
    )
    const imported = await value<{ imported: number }>(a, 'contacts:import', { format: 'csv', text: csv })
    expect(imported.imported).toBe(1000)
    const again = client('sam', (await deviceToken(server.url, 'sam', 'second start')).token, dirs[1])
    const synced = new Promise<{ requests: number }>((resolve) =>
      again.on((event) => {
        if (event.type === 'synced') resolve(event)
      }),
    )
    expect((await synced).requests).toBe(1)
    expect(again.contacts().filter((c) => c.name.startsWith('Guest '))).toHaveLength(1000)
    b = again
  }, 120_000)

  it('a revoked token signs the client out and keeps its outbox for the same user only', async () => {
    const token = await deviceToken(server.url, 'priya', 'to revoke')
    const storeDir = dirs[0]
    a.close()
    // This device's retries wait for the test's word, so the revoke lands before it reconnects.
    const retries: Array<() => void> = []
    const device = client('priya', token.token, storeDir, (run) => {
      retries.push(run)
      return () => {}
    })
    await until(() => expect(device.state.status).toBe('online'))
    await server.stop()
    await until(() => expect(device.state.status).toBe('offline'))
    device.send({ conversationId: conversation.id, text: 'written before the revoke' })
    await server.start()
    await revokeToken(server.url, token)
    for (const retry of retries.splice(0)) retry()
    await until(() => expect(device.state.status).toBe('signed-out'))
    expect(device.outbox().map((e) => e.text)).toEqual(['written before the revoke'])
    device.close()

    // Sam signs in on the same computer: he sees nothing of Priya's and sends none of it.
    const sam = client('sam', (await deviceToken(server.url, 'sam', 'shared desk')).token, storeDir)
    await until(() => expect(sam.state.status).toBe('online'))
    await sam.idle()
    expect(sam.outbox()).toEqual([])
    sam.close()

    // Priya again: her waiting message goes, once.
    const back = client('priya', (await deviceToken(server.url, 'priya', 'again')).token, storeDir)
    await until(() => expect(back.outboxCounts()).toEqual({ waiting: 0, failed: 0 }))
    const texts = (
      await value<Array<{ text?: string; authorId?: string }>>(back, 'messages:list', { conversationId: conversation.id, limit: 100 })
    ).filter((m) => m.text?.includes('written before the revoke'))
    expect(texts).toHaveLength(1)
    expect(texts[0].authorId).toBe('priya')
  }, 180_000)
})
