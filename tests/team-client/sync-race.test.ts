// @team-client: a live event that overtakes a catch-up answer is not undone by it. The server here
// is a plain WebSocket endpoint scripted to produce that order on the wire, which a real server
// produces only under load (it reads the answer, then a change happens and is pushed first).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it, vi } from 'vitest'
import { WebSocketServer } from 'ws'
import type { SyncValue } from '../../electron/shared/api/sync'
import type { Conversation } from '../../electron/shared/domain'
import { TeamClient } from '../../electron/team-client/team-client'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

const thread = (consent: Conversation['consent']) =>
  ({
    id: 'v1',
    channel: 'whatsapp',
    contactId: 'c1',
    contactName: 'Ana Souza',
    participants: [{ id: 'priya', name: 'Priya Shah' }],
    consent,
    unread: 0,
    lastActivityAt: 1,
    createdAt: 1,
  }) as unknown as Conversation

it.each([
  ['a snapshot', true],
  ['changes since the cursor', false],
])('keeps a change pushed while the catch-up answer (%s) was on its way @team-client', async (_name, snapshot) => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  cleanups.push(() => server.close())
  server.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      const request = JSON.parse(data.toString()) as { id: number; channel: string }
      if (request.channel !== 'sync:changes') return socket.send(JSON.stringify({ id: request.id, ok: true, value: [] }))
      // The answer was read while consent was still "requested"; "granted" happened meanwhile.
      socket.send(JSON.stringify({ event: 'conversations:changed', payload: thread('granted') }))
      const stale: SyncValue = {
        cursor: 7,
        snapshot,
        more: false,
        conversations: [thread('requested')],
        removedConversations: [],
        messages: [],
        contacts: [],
        removedContacts: [],
      }
      socket.send(JSON.stringify({ id: request.id, ok: true, value: stale }))
    })
  })
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  const storeDir = mkdtempSync(join(tmpdir(), 'greenline-sync-race-'))
  const client = new TeamClient({ serverUrl: `http://127.0.0.1:${port}`, token: 't', userId: 'priya', storeDir })
  cleanups.push(() => rmSync(storeDir, { recursive: true, force: true }))
  cleanups.unshift(() => client.close())
  const synced = new Promise((resolve) => client.on((event) => event.type === 'synced' && resolve(event)))
  const toWindows: string[] = []
  client.on((event) => {
    if (event.type === 'event' && event.event === 'conversations:changed') toWindows.push((event.payload as Conversation).consent)
  })
  client.start()
  await synced
  await vi.waitFor(() => expect(client.conversations().map((c) => c.consent)).toEqual(['granted']))
  // The windows hear what the device caught up on (not for a snapshot: they reload for that),
  // and end on the newest state, as the store does.
  expect(toWindows).toEqual(snapshot ? ['granted'] : ['granted', 'requested', 'granted'])
})
