import { afterEach, describe, expect, it } from 'vitest'
import { requestChannels, type RequestChannel } from '../../../electron/shared/api/contract'
import { ANA, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

/**
 * @security One visibility rule for every read. A user removed from a thread walks every channel
 * that can show a conversation's content; none may show it, whether the thread is still open or
 * has ended. Every request channel is listed below as either such a read (walked) or something
 * else (with why), so a new read channel cannot be added without being walked here.
 */
let h: EngineHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const SECRET = 'confidential treatment plan'

/** Channels that never show a conversation's content, and why. */
const NOT_THREAD_READS: Partial<Record<RequestChannel, string>> = {
  'session:get': 'who is signed in',
  'session:signIn': 'sign-in',
  'org:users': 'the org directory',
  'contacts:list': 'the shared address book (no messages)',
  'contacts:get': 'the shared address book (no messages)',
  'contacts:create': 'write',
  'contacts:update': 'write (number changes need a seat in every open thread)',
  'contacts:delete': 'write',
  'contacts:import': 'write',
  'conversations:start': 'write (starts or returns a thread of ones own)',
  'conversations:requestConsent': 'write, participant-only',
  'conversations:addParticipant': 'write, participant-only',
  'conversations:removeParticipant': 'write, participant-only',
  'conversations:leave': 'write, participant-only',
  'conversations:transfer': 'write, participant-only',
  'conversations:restart': 'write, participant-only',
  'messages:send': 'write, participant-only',
  'messages:retry': 'write, participant-only',
  'messages:react': 'write, participant-only',
  'conversations:typing': 'write, participant-only',
  'templates:send': 'write, participant-only',
  'messages:cancel': 'write, participant-only',
  'messages:checkText': 'checks text the caller typed',
  'media:upload': 'write',
  'users:list': 'team directory (server)',
  'users:invite': 'team directory (server)',
  'users:setRole': 'team directory (server)',
  'users:deactivate': 'team directory (server)',
  'users:reactivate': 'team directory (server)',
  'tokens:list': 'own tokens (server)',
  'admin:webhook': 'administrators only (server)',
  'admin:policy': 'administrators only (server)',
  'admin:setPolicy': 'administrators only (server)',
  'admin:conversationsOf': 'administrators only (server)',
  'admin:handOver': 'administrators only (server)',
  'admin:audit': 'administrators only (server)',
  'admin:connector': 'administrators only (server)',
  'admin:setConnector': 'administrators only (server)',
  'admin:sms': 'administrators only (server)',
  'admin:setSms': 'administrators only (server)',
  'templates:list': 'the business account’s templates (no messages)',
  'templates:optIn': 'which template asks for consent (no messages)',
  'templates:setOptIn': 'administrators on the server; the one user of a desktop app',
  'account:health': 'whether the number may send (no messages)',
  'account:resume': 'administrators on the server; the one user of a desktop app',
}

type Thread = { conversationId: string; contactId: string; messageId: string }

/** Each read channel, asked by the removed user: resolves when it showed nothing of the thread. */
const READS: Partial<Record<RequestChannel, (harness: EngineHarness, thread: Thread) => Promise<void>>> = {
  'conversations:list': async (harness, { conversationId }) => {
    const list = await harness.as('sam')('conversations:list', {})
    expect(list.map((conversation) => conversation.id)).not.toContain(conversationId)
  },
  'conversations:get': async (harness, { conversationId }) => {
    expect(await harness.raw('sam', 'conversations:get', { id: conversationId })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  },
  'conversations:markRead': async (harness, { conversationId }) => {
    expect(await harness.raw('sam', 'conversations:markRead', { id: conversationId })).toMatchObject({ ok: false })
  },
  'messages:list': async (harness, { conversationId }) => {
    expect(await harness.raw('sam', 'messages:list', { conversationId })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  },
  'messages:retryDownload': async (harness, { messageId }) => {
    const result = await harness.raw('sam', 'messages:retryDownload', { id: messageId })
    expect(result.ok).toBe(false)
    expect(JSON.stringify(result)).not.toContain(SECRET)
  },
  'search:messages': async (harness) => {
    expect(await harness.as('sam')('search:messages', { query: 'treatment' })).toEqual([])
  },
  'audit:list': async (harness, { conversationId }) => {
    const rows = await harness.as('sam')('audit:list', {})
    expect(rows.filter((row) => row.conversationId === conversationId && row.actorId !== 'sam')).toEqual([])
    const scoped = await harness.raw('sam', 'audit:list', { conversationId })
    if (scoped.ok) expect((scoped.value as Array<{ actorId: string }>).filter((row) => row.actorId !== 'sam')).toEqual([])
  },
  'export:run': async (harness, { conversationId, contactId }) => {
    expect(await harness.raw('sam', 'export:run', { conversationId })).toMatchObject({ ok: false })
    expect(await harness.as('sam')('export:run', { contactId })).toMatchObject({ conversations: 0, messages: 0 })
    expect(await harness.as('sam')('export:run', { from: 0, to: Date.now() + 365 * 86_400_000 })).toMatchObject({ conversations: 0 })
    expect(await harness.as('sam')('export:run', {})).toMatchObject({ conversations: 0 })
  },
}

async function removedFromThread(harness: EngineHarness): Promise<Thread> {
  const chat = await harness.openChat(ANA, 'Ana Souza', { requestConsent: true })
  await harness.settle()
  harness.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
  await harness.settle()
  await harness.as('priya')('conversations:addParticipant', { id: chat.conversation.id, userId: 'sam' })
  const message = await harness.as('sam')('messages:send', { conversationId: chat.conversation.id, text: SECRET })
  harness.sandbox.userWrites(ANA, { text: 'thanks, about the treatment…' })
  await harness.settle()
  await harness.as('priya')('conversations:removeParticipant', { id: chat.conversation.id, userId: 'sam' })
  return { conversationId: chat.conversation.id, contactId: chat.contact.id, messageId: message.id }
}

async function walk(harness: EngineHarness, thread: Thread): Promise<string[]> {
  const walked: string[] = []
  for (const [channel, read] of Object.entries(READS)) {
    await read(harness, thread)
    walked.push(channel)
  }
  return walked
}

describe('@security every read channel applies one visibility rule', () => {
  it('every request channel is either walked as a read or said not to show a thread', () => {
    const classified = new Set([...Object.keys(READS), ...Object.keys(NOT_THREAD_READS)])
    expect(Object.keys(requestChannels).filter((channel) => !classified.has(channel))).toEqual([])
  })

  it('a user removed from a thread sees none of it on any channel, while it is open and after it ended', async () => {
    h = await startEngineHarness()
    const thread = await removedFromThread(h)
    const eventsBefore = h.events('sam', 'messages:changed').length

    expect(await walk(h, thread)).toEqual(Object.keys(READS))
    // Nor is anything pushed to him: Ana writes again and Priya answers.
    h.sandbox.userWrites(ANA, { text: 'one more question about the treatment' })
    await h.as('priya')('messages:send', { conversationId: thread.conversationId, text: 'ask away' })
    await h.settle()
    expect(h.events('sam', 'messages:changed').slice(eventsBefore)).toEqual([])

    // The thread ends: still nothing, on every channel; Priya, who left on her own, keeps her copy.
    await h.as('priya')('conversations:leave', { id: thread.conversationId })
    expect(await walk(h, thread)).toEqual(Object.keys(READS))
    expect(await h.as('priya')('export:run', { contactId: thread.contactId })).toMatchObject({ conversations: 1 })
  })
})
