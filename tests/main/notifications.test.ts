import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { FakeNotification, resetFakes } from './fake-electron'
import type { EngineHarness } from '../helpers/engine-harness'
import type { Conversation, Message } from '../../electron/shared/domain'
import type { Notifier } from '../../electron/main/notifications'
import { nativeText, type NativeText } from '../../electron/shared/native-texts'
import type { SignedInUser as SignedInUserType } from '../../electron/main/signed-in-user'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { ANA, startEngineHarness } = await import('../helpers/engine-harness')
const { openSettings } = await import('../../electron/main/settings')
const { SignedInUser } = await import('../../electron/main/signed-in-user')
const { createNotifier, notificationBody } = await import('../../electron/main/notifications')

let harness: EngineHarness
let user: SignedInUserType
let conversation: Conversation
let notifier: Notifier | undefined
const state = { focused: false, dnd: false, wall: 1_000_000 }
const openThread = vi.fn()
const openQuickReply = vi.fn()

function start(platform: NodeJS.Platform, rateLimitMs = 5000, text?: NativeText): Notifier {
  notifier?.dispose()
  resetFakes()
  notifier = createNotifier({
    Notification: FakeNotification as never,
    engine: harness.engine,
    user,
    platform,
    isAppFocused: () => state.focused,
    doNotDisturb: () => state.dnd,
    openThread,
    openQuickReply,
    now: () => state.wall,
    rateLimitMs,
    ...(text ? { text } : {}),
  })
  return notifier
}

async function anaWrites(input: { text: string } | { buttonPayload: string }) {
  harness.sandbox.userWrites(ANA, input)
  await harness.settle()
}

beforeAll(async () => {
  harness = await startEngineHarness()
  user = new SignedInUser(openSettings({ cwd: mkdtempSync(join(tmpdir(), 'greenline-notify-')) }), harness.engine)
  user.set('priya')
  ;({ conversation } = await harness.openChat(ANA, 'Ana Souza', { requestConsent: true }))
  await harness.settle()
  await anaWrites({ buttonPayload: 'CONSENT_YES' })
})

afterEach(() => {
  state.focused = false
  state.dnd = false
  state.wall += 60_000
})

afterAll(async () => {
  notifier?.dispose()
  await harness?.close()
})

describe('notifications', () => {
  it('macOS: an inbound message shows the sender and text with an inline reply that sends the message', async () => {
    start('darwin')
    await anaWrites({ text: 'Is my crown ready?' })
    await vi.waitFor(() => expect(FakeNotification.instances).toHaveLength(1))
    const [shown] = FakeNotification.instances
    expect(shown.shown).toBe(true)
    expect(shown.options).toMatchObject({ title: 'Ana Souza', body: 'Is my crown ready?', hasReply: true })

    shown.emit('reply', {}, 'Yes, come by at 3')
    await vi.waitFor(async () => {
      await harness.settle()
      expect(harness.sandbox.deliveries(ANA).map((d: any) => d.text)).toContain('Yes, come by at 3')
    })
    const thread = await harness.thread(conversation.id)
    expect(thread.at(-1)).toMatchObject({ direction: 'out', authorId: 'priya', text: 'Yes, come by at 3' })

    shown.emit('click')
    expect(openThread).toHaveBeenCalledWith(conversation.id)
  })

  it('elsewhere: no inline reply; clicking opens the quick-reply popover', async () => {
    start('win32')
    await anaWrites({ text: 'Hello again' })
    await vi.waitFor(() => expect(FakeNotification.instances).toHaveLength(1))
    const [shown] = FakeNotification.instances
    expect(shown.options.hasReply).toBeUndefined()
    shown.emit('click')
    expect(openQuickReply).toHaveBeenCalledWith(conversation.id)
  })

  it('groups a burst per conversation: one notification, then "n new messages" after the rate limit', async () => {
    start('linux', 200)
    await anaWrites({ text: 'One' })
    await vi.waitFor(() => expect(FakeNotification.instances).toHaveLength(1))
    await anaWrites({ text: 'Two' })
    await anaWrites({ text: 'Three' })
    expect(FakeNotification.instances).toHaveLength(1)
    await vi.waitFor(() => expect(FakeNotification.instances).toHaveLength(2))
    expect(FakeNotification.instances[1].options.body).toBe('2 new messages — Three')
    // The first notification of the conversation was replaced, not stacked.
    expect(FakeNotification.instances[0].closed).toBe(true)
  })

  it("speaks the window's language: German grouping and reply placeholder", async () => {
    start('darwin', 200, (key, params) => nativeText('de', key, params))
    await anaWrites({ text: 'Eins' })
    await vi.waitFor(() => expect(FakeNotification.instances).toHaveLength(1))
    expect(FakeNotification.instances[0].options.replyPlaceholder).toBe('Ana Souza antworten')
    await anaWrites({ text: 'Zwei' })
    await anaWrites({ text: 'Drei' })
    await vi.waitFor(() => expect(FakeNotification.instances).toHaveLength(2))
    expect(FakeNotification.instances[1].options.body).toBe('2 neue Nachrichten — Drei')
  })

  it('stays silent while the app is focused or Do not disturb is on', async () => {
    start('darwin')
    state.focused = true
    await anaWrites({ text: 'While focused' })
    state.focused = false
    state.dnd = true
    await anaWrites({ text: 'While busy' })
    await harness.settle()
    expect(FakeNotification.instances).toHaveLength(0)
  })

  it('tells the author when a held message is released and when a send fails', async () => {
    start('darwin')
    const base: Message = {
      id: 'm-held',
      seq: 999_999,
      conversationId: conversation.id,
      direction: 'out',
      authorId: 'priya',
      kind: 'text',
      text: 'x',
      status: 'held',
      holdReason: 'awaiting_consent',
      createdAt: 1,
      updatedAt: 1,
    }
    harness.engine.ctx.events.publish(['priya'], 'messages:changed', base)
    harness.engine.ctx.events.publish(['priya'], 'messages:changed', { ...base, status: 'queued', holdReason: undefined })
    await vi.waitFor(() => expect(FakeNotification.instances.map((n) => n.options.title)).toEqual(['Held message released']))
    harness.engine.ctx.events.publish(['priya'], 'messages:changed', { ...base, status: 'failed', error: 'Number unreachable' })
    await vi.waitFor(() =>
      expect(FakeNotification.instances.map((n) => n.options.title)).toEqual(['Held message released', 'Message not sent']),
    )
    expect(FakeNotification.instances[1].options.body).toBe('To Ana Souza: Number unreachable')
    FakeNotification.instances[1].emit('click')
    expect(openThread).toHaveBeenCalledWith(conversation.id)
  })

  it('shows pictures as 📷 Photo', () => {
    const message = { kind: 'image', media: { state: 'ready' } } as Message
    expect(notificationBody(message)).toBe('📷 Photo')
    expect(notificationBody({ ...message, media: { state: 'ready', caption: 'The crown' } })).toBe('📷 The crown')
    expect(notificationBody({ kind: 'text', text: '  hi  ' } as Message)).toBe('hi')
  })
})
