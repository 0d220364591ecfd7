// @team-client: tray counts and notifications with inline reply in team mode, driven by the team
// client's events and its local store (mocked electron; the real TeamClient, not connected).
import { EventEmitter } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { FakeNotification, resetFakes } from './fake-electron'
import type { Conversation, Message } from '../../electron/shared/domain'
import type { TeamSessionEvent } from '../../electron/team-client/team-session'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { TeamClient } = await import('../../electron/team-client/team-client')
const { upsertConversations } = await import('../../electron/team-client/local-store')
const { teamCounts, createTeamNotifier } = await import('../../electron/main/team-shell')

const client = new TeamClient({
  serverUrl: 'http://127.0.0.1:9',
  token: 'glt_x',
  userId: 'priya',
  storeDir: mkdtempSync(join(tmpdir(), 'greenline-shell-')),
})
afterAll(() => client.close())

const thread = (id: string, unread: number, at: number) =>
  ({ id, contactName: `Contact ${id}`, unread, lastActivityAt: at }) as unknown as Conversation

describe('team mode shell @team-client', () => {
  it('tray counts come from the local store: unread, waiting for connection, failed', () => {
    upsertConversations(client.db, [thread('c1', 2, 10), thread('c2', 0, 20), thread('c3', 1, 30)])
    client.send({ conversationId: 'c1', text: 'written offline' })
    const counts = teamCounts(client)
    expect(counts).toMatchObject({ unread: 3, queued: 1, failed: 0 })
    expect(counts.recentUnread.map((c) => c.id)).toEqual(['c3', 'c1'])
  })

  it('an inbound event notifies; the macOS inline reply goes into the outbox', () => {
    resetFakes()
    const events = new EventEmitter()
    const session = { client, on: (listener: (e: TeamSessionEvent) => void) => (events.on('e', listener), () => events.off('e', listener)) }
    const notifier = createTeamNotifier({
      Notification: FakeNotification as never,
      session: session,
      platform: 'darwin',
      isAppFocused: () => false,
      doNotDisturb: () => false,
      openThread: vi.fn(),
      openQuickReply: vi.fn(),
      now: () => 1000,
    })
    const message = {
      id: 'm1',
      conversationId: 'c3',
      direction: 'in',
      kind: 'text',
      text: 'Are you open today?',
      createdAt: 1000,
    } as Message
    events.emit('e', { type: 'client', event: { type: 'event', event: 'messages:changed', payload: message } })
    events.emit('e', { type: 'client', event: { type: 'event', event: 'messages:changed', payload: message } })
    expect(FakeNotification.instances).toHaveLength(1)
    const shown = FakeNotification.instances[0]
    expect(shown.options).toMatchObject({ title: 'Contact c3', body: 'Are you open today?', hasReply: true })
    shown.emit('reply', {}, 'Yes, until 6')
    expect(client.outbox().map((e) => [e.conversationId, e.text])).toContainEqual(['c3', 'Yes, until 6'])
    notifier.dispose()
  })

  it('on Windows: one notification per conversation (a newer message replaces it), a click opens the quick-reply popover', () => {
    resetFakes()
    const events = new EventEmitter()
    const session = { client, on: (listener: (e: TeamSessionEvent) => void) => (events.on('e', listener), () => events.off('e', listener)) }
    const openQuickReply = vi.fn()
    let focused = false
    const notifier = createTeamNotifier({
      Notification: FakeNotification as never,
      session,
      platform: 'win32',
      isAppFocused: () => focused,
      doNotDisturb: () => false,
      openThread: vi.fn(),
      openQuickReply,
      now: () => 200_000,
    })
    const inbound = (id: string, conversationId: string, text: string, createdAt = 200_000) =>
      events.emit('e', {
        type: 'client',
        event: {
          type: 'event',
          event: 'messages:changed',
          payload: { id, conversationId, direction: 'in', kind: 'text', text, createdAt },
        },
      })
    inbound('w1', 'c3', 'Are you open today?')
    inbound('w2', 'c3', 'Or tomorrow?')
    inbound('w3', 'c1', 'Invoice attached')
    const [first, second, other] = FakeNotification.instances
    // No inline reply on Windows; the same conversation's older notification is taken away.
    expect(second.options).toMatchObject({ title: 'Contact c3', body: 'Or tomorrow?' })
    expect(second.options.hasReply).toBeUndefined()
    expect(first.closed).toBe(true)
    expect([...notifier.active.values()]).toEqual([second, other])
    second.emit('click')
    expect(openQuickReply).toHaveBeenCalledWith('c3')
    // Not while Greenline is in front, and not for old messages arriving on catch-up.
    focused = true
    inbound('w4', 'c1', 'Seen in the window')
    focused = false
    inbound('w5', 'c1', 'From last week', 200_000 - 10 * 60_000)
    expect(FakeNotification.instances).toHaveLength(3)
    notifier.dispose()
    expect(other.closed).toBe(true)
  })
})
