import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findContactByWhatsApp } from '../../../electron/core/db/repositories/contacts'
import { consentHistory, listAudit } from '../../../electron/core/db/repositories/ledger'
import { getMessageRowByProviderId, insertMessage } from '../../../electron/core/db/repositories/messages'
import { getWhatsAppUser, setMarketingOptOut } from '../../../electron/core/db/repositories/whatsapp-users'
import { MAX_WEBHOOK_BYTES } from '../../../electron/core/whatsapp/webhook-parse'
import type { MessageStatus } from '../../../electron/shared/domain'
import { fixture, fixtureText, webhookFixtureNames } from '../../helpers/fixtures'
import { startEngineHarness, VERIFY_TOKEN, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
beforeEach(async () => {
  h = await startEngineHarness()
})
afterEach(async () => {
  await h.close()
})

const SHEENA = '16505551234'

/** What a user would notice: the stored messages, contacts and consent, as one comparable value. */
function dbCounts() {
  const db = h.engine.db
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  return { messages: count('messages'), contacts: count('contacts'), conversations: count('conversations'), consents: count('consents') }
}

function value(name: string): any {
  return fixture(name).entry[0].changes[0].value
}

/** An outbound message WhatsApp knows by `providerId`, in a thread with the contact `waId`. */
async function seedOutbound(waId: string, providerId: string, status: MessageStatus) {
  const { conversation } = await h.openChat(`+${waId}`, 'Seeded Contact')
  insertMessage(h.engine.db, {
    id: `m_seed_${status}`,
    conversationId: conversation.id,
    direction: 'out',
    authorId: 'priya',
    kind: 'text',
    body: 'Seeded outbound',
    status,
    providerId,
    createdAt: h.clock.now(),
  })
  return conversation
}

async function feed(name: string) {
  const answer = await h.postWebhook(fixtureText(name))
  expect(answer.status).toBe(200)
  await h.settle()
}

const INBOUND_KIND: Record<string, string> = {
  'inbound-audio-voice.json': 'audio',
  'inbound-button-template-quick-reply.json': 'button',
  'inbound-contacts.json': 'contacts',
  'inbound-document.json': 'document',
  'inbound-image.json': 'image',
  'inbound-interactive-button-reply.json': 'interactive',
  'inbound-interactive-list-reply.json': 'interactive',
  'inbound-location.json': 'location',
  'inbound-reaction.json': 'reaction',
  'inbound-reply-with-context.json': 'text',
  'inbound-text-ctwa-referral.json': 'text',
  'inbound-text.json': 'text',
  'inbound-unsupported.json': 'unsupported',
  'inbound-video-forwarded.json': 'video',
}

describe('every published webhook payload through the real endpoint', () => {
  it('covers every fixture file with an expectation', () => {
    const handled = new Set([
      ...Object.keys(INBOUND_KIND),
      'inbound-system-user-changed-number.json',
      'status-delivered.json',
      'status-read.json',
      'status-sent.json',
      'status-sent-v24-no-conversation.json',
      'status-failed-131049.json',
      'user-preferences-resume.json',
      'value-errors-130429.json',
    ])
    expect(webhookFixtureNames().filter((name) => !handled.has(name))).toEqual([])
  })

  for (const [name, kind] of Object.entries(INBOUND_KIND)) {
    it(`${name}: stored as a ${kind} message from a saved contact`, async () => {
      const v = value(name)
      const inbound = v.messages[0]
      let target: string | undefined
      if (kind === 'reaction') {
        target = inbound.reaction.message_id
        await seedOutbound(inbound.from, target!, 'delivered')
      }
      await feed(name)
      const row = getMessageRowByProviderId(h.engine.db, inbound.id)!
      expect(row).toMatchObject({ direction: 'in', kind, status: 'received' })
      const contact = findContactByWhatsApp(h.engine.db, { waId: inbound.from })!
      expect(contact.phone).toBe(`+${inbound.from}`)
      if (!target) expect(contact.name).toBe(v.contacts[0].profile.name)
      const extra = row.extra ? JSON.parse(row.extra) : {}
      if (inbound.text) expect(row.body).toBe(inbound.text.body)
      if (name === 'inbound-reply-with-context.json') expect(row.reply_to_provider_id).toBe(inbound.context.id)
      if (name === 'inbound-text-ctwa-referral.json') expect(extra.referral).toBeTruthy()
      if (name === 'inbound-unsupported.json') expect(extra.errors).toEqual([{ code: 131051, title: 'Message type unknown' }])
      if (name === 'inbound-video-forwarded.json') expect(extra.forwarded).toBe(true)
      if (name === 'inbound-location.json') expect(extra.location).toMatchObject({ latitude: inbound.location.latitude })
      if (['audio', 'document', 'image', 'video'].includes(kind)) {
        // The attachment is kept even though its download cannot succeed here; it can be retried.
        expect(row.provider_media_id).toBe(inbound[kind].id)
        expect(['downloading', 'failed']).toContain(row.media_state)
      }
      if (target) {
        const reacted = getMessageRowByProviderId(h.engine.db, target)!
        const thread = await h.thread(reacted.conversation_id)
        expect(thread.find((m) => m.id === reacted.id)?.reactions).toEqual([
          expect.objectContaining({ emoji: inbound.reaction.emoji, by: 'contact' }),
        ])
      }
      // The same delivery again changes nothing.
      const before = dbCounts()
      await feed(name)
      expect(dbCounts()).toEqual(before)
    })
  }

  it('inbound-system-user-changed-number.json: updates the contact and tells the thread', async () => {
    const { contact, conversation } = await h.openChat(`+${SHEENA}`, 'Sheena Nelson')
    await feed('inbound-system-user-changed-number.json')
    const updated = await h.as('priya')('contacts:get', { id: contact.id })
    expect(updated).toMatchObject({ phone: '+12195555358', waId: '12195555358' })
    const lines = (await h.thread(conversation.id)).filter((m) => m.direction === 'system').map((m) => m.text)
    expect(lines).toEqual([expect.stringContaining('+12195555358')])
  })

  const statuses: Array<[string, MessageStatus, MessageStatus]> = [
    ['status-sent.json', 'sending', 'sent'],
    ['status-sent-v24-no-conversation.json', 'sending', 'sent'],
    ['status-delivered.json', 'sent', 'delivered'],
    ['status-read.json', 'delivered', 'read'],
  ]
  for (const [name, seeded, expected] of statuses) {
    it(`${name}: moves the matching outbound message from ${seeded} to ${expected}`, async () => {
      const status = value(name).statuses[0]
      await seedOutbound(status.recipient_id, status.id, seeded)
      await feed(name)
      expect(getMessageRowByProviderId(h.engine.db, status.id)!.status).toBe(expected)
    })
  }

  it('never moves a status backwards: read stays read when a late delivered arrives', async () => {
    const status = value('status-read.json').statuses[0]
    await seedOutbound(status.recipient_id, status.id, 'sent')
    await feed('status-read.json')
    await feed('status-delivered.json')
    const row = getMessageRowByProviderId(h.engine.db, status.id)!
    expect(row.status).toBe('read')
    expect(row.delivered_at).not.toBeNull()
  })

  it('status-failed-131049.json: the message fails and keeps the code and a plain reason', async () => {
    const status = value('status-failed-131049.json').statuses[0]
    await seedOutbound(status.recipient_id, status.id, 'sent')
    await feed('status-failed-131049.json')
    const row = getMessageRowByProviderId(h.engine.db, status.id)!
    expect(row).toMatchObject({ status: 'failed', error_code: 131049 })
    expect(row.error).toMatch(/Try again tomorrow/)
  })

  it('user-preferences-resume.json: recorded in the consent history without changing consent', async () => {
    const { contact } = await h.openChat(`+${SHEENA}`, 'Sheena Nelson')
    setMarketingOptOut(h.engine.db, contact.id, true)
    await feed('user-preferences-resume.json')
    const user = getWhatsAppUser(h.engine.db, contact.id)
    expect(user).toMatchObject({ marketing_opt_out: 0, consent: 'none' })
    expect(consentHistory(h.engine.db, contact.id).map((r) => r.event)).toEqual(['platform_resume'])
  })

  it('value-errors-130429.json: kept in the audit log', async () => {
    await feed('value-errors-130429.json')
    const entry = listAudit(h.engine.db, {}).find((row) => row.action === 'whatsapp.account_error')
    expect(entry && JSON.parse(entry.detail)).toMatchObject({ code: 130429 })
  })
})

describe('refused deliveries', () => {
  const body = () => fixtureText('inbound-text.json')
  const providerId = () => value('inbound-text.json').messages[0].id
  const webhookRows = () => h.engine.db.prepare('SELECT state, error FROM webhook_events').all()

  it('refuses unsigned and forged deliveries with 401 and stores nothing', async () => {
    const before = dbCounts()
    expect((await h.postWebhook(body(), null)).status).toBe(401)
    expect((await h.postWebhook(body(), `sha256=${'0'.repeat(64)}`)).status).toBe(401)
    expect((await h.postWebhook(body(), 'sha1=abc')).status).toBe(401)
    // Signed for other bytes: the body was changed on the way.
    const { signWebhookBody } = await import('../../../electron/core/whatsapp/signature')
    expect(
      (await h.postWebhook(body().replace('another color', 'another colour'), signWebhookBody(body(), 'harness-app-secret'))).status,
    ).toBe(401)
    await h.settle()
    expect(dbCounts()).toEqual(before)
    expect(webhookRows()).toEqual([])
    expect(getMessageRowByProviderId(h.engine.db, providerId())).toBeUndefined()
  })

  it('refuses a body over 3 MB with 413 and stores nothing', async () => {
    const big = JSON.stringify({ object: 'whatsapp_business_account', pad: 'x'.repeat(MAX_WEBHOOK_BYTES) })
    const before = dbCounts()
    expect((await h.postWebhook(big)).status).toBe(413)
    await h.settle()
    expect(dbCounts()).toEqual(before)
    expect(webhookRows()).toEqual([])
  })

  it('answers malformed JSON with 400, records it as rejected, and changes nothing else', async () => {
    const before = dbCounts()
    expect((await h.postWebhook('{"object": "whatsapp_business_account", "entry": [')).status).toBe(400)
    await h.settle()
    expect(dbCounts()).toEqual(before)
    expect(webhookRows()).toEqual([{ state: 'rejected', error: 'malformed JSON' }])
  })

  it('answers the GET subscription check only with the right verify token', async () => {
    const check = async (params: Record<string, string>) => {
      const response = await fetch(`${h.webhookUrl}?${new URLSearchParams(params)}`)
      return { status: response.status, text: await response.text() }
    }
    expect(await check({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' })).toEqual({
      status: 200,
      text: '1158201444',
    })
    expect((await check({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' })).status).toBe(403)
    expect((await check({ 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' })).status).toBe(403)
    expect((await check({})).status).toBe(403)
  })
})
