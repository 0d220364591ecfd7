import { afterEach, describe, expect, it } from 'vitest'
import { listAudit } from '../../../electron/core/db/repositories/ledger'
import { compliantEngine, type CompliantEngine } from './helpers'

const LEXICON = [
  { name: 'ssn', pattern: '\\b\\d{3}-\\d{2}-\\d{4}\\b', action: 'block', reason: 'Social security numbers must not be sent' },
  { name: 'promises', pattern: 'guarantee', flags: 'i', action: 'warn', reason: 'Avoid promising outcomes' },
]

let app: CompliantEngine | undefined
afterEach(async () => {
  await app?.engine.close()
  app = undefined
})

async function thread(channel: 'sms' | 'whatsapp' = 'sms') {
  app = compliantEngine({ lexicon: LEXICON })
  const contact = await app.must('priya')('contacts:create', { name: 'Ana Souza', phone: '+14155550101' })
  const conversation = await app.must('priya')('conversations:start', { contactId: contact.id, channel, requestConsent: false })
  const outbound = () =>
    app!.engine.db
      .prepare("SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND direction = 'out' AND kind = 'text'")
      .pluck()
      .get(conversation.id) as number
  const outbox = () => app!.engine.db.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number
  return { app, conversation, outbound, outbox }
}

describe('lexicon rules on outbound text', () => {
  it('a block rule refuses the message with its reason, queues nothing and audits the rule (not the text)', async () => {
    const { app, conversation, outbound, outbox } = await thread()
    const result = await app.call('priya')('messages:send', {
      conversationId: conversation.id,
      text: 'Her SSN is 123-45-6789',
      confirmWarning: true,
    })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'Not sent: Social security numbers must not be sent', details: { lexicon: 'block', rule: 'ssn' } },
    })
    expect(outbound()).toBe(0)
    expect(outbox()).toBe(0)
    const [audit] = listAudit(app.engine.db, { limit: 1 })
    expect(audit).toMatchObject({ action: 'lexicon.block', actor_id: 'priya', conversation_id: conversation.id })
    expect(audit.detail).toBe('{"rule":"ssn"}')
  })

  it('a block rule wins over a warn rule in the same text, and applies to picture captions too', async () => {
    const { app, conversation } = await thread()
    const both = await app.call('priya')('messages:send', { conversationId: conversation.id, text: 'We guarantee 123-45-6789' })
    expect(both).toMatchObject({ ok: false, error: { details: { lexicon: 'block' } } })
    expect(await app.call('priya')('messages:checkText', { text: 'We GUARANTEE 123-45-6789' })).toMatchObject({
      ok: true,
      value: { action: 'block', rule: 'ssn' },
    })
  })

  it('a warn rule asks first (conflict with the reason) and queues the message once confirmed', async () => {
    const { app, conversation, outbound, outbox } = await thread()
    const text = 'We Guarantee a great result'
    const first = await app.call('priya')('messages:send', { conversationId: conversation.id, text })
    expect(first).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: 'Check before sending: Avoid promising outcomes',
        details: { lexicon: 'warn', rule: 'promises' },
      },
    })
    expect(outbound()).toBe(0)
    const sent = await app.must('priya')('messages:send', { conversationId: conversation.id, text, confirmWarning: true })
    expect(sent).toMatchObject({ text, status: 'queued', direction: 'out' })
    expect(outbound()).toBe(1)
    expect(outbox()).toBe(1)
    const actions = listAudit(app.engine.db, { limit: 2 }).map((row) => row.action)
    expect(actions).toEqual(['lexicon.warn', 'lexicon.warn'])
  })

  it('clean text goes straight through; checkText answers ok', async () => {
    const { app, conversation } = await thread()
    expect(await app.must('priya')('messages:checkText', { text: 'See you at 10' })).toEqual({ action: 'ok' })
    expect(await app.must('priya')('messages:send', { conversationId: conversation.id, text: 'See you at 10' })).toMatchObject({
      status: 'queued',
    })
  })
})
