import Database from 'better-sqlite3'
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DatabaseDamagedError, openDatabase } from '../../../electron/core/db/open'
import { upsertAccount } from '../../../electron/core/db/repositories/accounts'
import { emlEntry } from '../../../electron/core/compliance/eml'
import { singleLine } from '../../../electron/shared/text'
import { ANA, BEN, inboundTextWebhook, messagesWebhook, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

/** Findings of the outside security review; each test failed before its fix. */
let h: EngineHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function grantedChat(harness: EngineHarness) {
  const chat = await harness.openChat(ANA, 'Ana Souza', { requestConsent: true })
  await harness.settle()
  harness.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
  await harness.settle()
  return chat
}

describe('@security contacts: who a contact is', () => {
  it('a colleague outside the thread cannot redirect it to another number', async () => {
    h = await startEngineHarness()
    const chat = await grantedChat(h)
    const refused = await h.raw('sam', 'contacts:update', { id: chat.contact.id, name: 'Ana Souza', phone: BEN })
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect((await h.as('priya')('contacts:get', { id: chat.contact.id })).phone).toBe(ANA)
    // A name fix is still anyone's to make in the shared address book.
    await h.as('sam')('contacts:update', { id: chat.contact.id, name: 'Ana C. Souza', phone: ANA })
    expect((await h.as('priya')('conversations:get', { id: chat.conversation.id })).consent).toBe('granted')
  })

  it('an administrator of the team server may change the number; the thread still ends and starts over', async () => {
    h = await startEngineHarness()
    const chat = await grantedChat(h)
    upsertAccount(h.engine.db, { userId: 'alex', name: 'Alex Morgan', role: 'admin', now: h.clock.now() })
    upsertAccount(h.engine.db, { userId: 'sam', name: 'Sam Lee', role: 'member', now: h.clock.now() })
    expect(await h.raw('sam', 'contacts:update', { id: chat.contact.id, name: 'Ana Souza', phone: BEN })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    await h.as('alex')('contacts:update', { id: chat.contact.id, name: 'Ana Souza', phone: BEN })
    expect((await h.as('priya')('conversations:get', { id: chat.conversation.id })).state).toBe('ended')
    const thread = await h.thread(chat.conversation.id)
    expect(thread.at(-1)?.text).toContain('Alex Morgan changed')
  })

  it('a number change by a participant ends the thread: nothing written for the old number reaches the new one', async () => {
    h = await startEngineHarness()
    const chat = await grantedChat(h)
    h.clock.advance(25 * 3600_000) // window closed: the next message waits
    const waiting = await h.as('priya')('messages:send', { conversationId: chat.conversation.id, text: 'your biopsy result is ready' })
    expect(waiting.status).toBe('held')

    await h.as('priya')('contacts:update', { id: chat.contact.id, name: 'Ana Souza', phone: BEN })
    const ended = await h.as('priya')('conversations:get', { id: chat.conversation.id })
    expect(ended.state).toBe('ended')
    const thread = await h.thread(chat.conversation.id)
    expect(thread.find((m) => m.id === waiting.id)?.status).toBe('cancelled')
    expect(thread.at(-1)?.text).toContain(`to ${BEN}`)
    const sendAgain = await h.raw('priya', 'messages:send', { conversationId: chat.conversation.id, text: 'still there?' })
    expect(sendAgain).toMatchObject({ ok: false, error: { code: 'conflict' } })

    // The new number is asked for consent in a new thread; even after its Yes the old text never goes.
    const fresh = await h.as('priya')('conversations:start', { contactId: chat.contact.id, channel: 'whatsapp', newThread: true })
    expect(fresh.id).not.toBe(chat.conversation.id)
    await h.settle()
    h.sandbox.userWrites(BEN, { buttonPayload: 'CONSENT_YES' })
    await h.settle()
    expect(h.sandbox.deliveries(BEN).map((d) => d.type)).toEqual(['template'])
    expect(h.sandbox.deliveries(BEN).some((d) => d.text?.includes('biopsy'))).toBe(false)
  })

  it('a changed phone number starts over: no consent or window carried to the new number', async () => {
    h = await startEngineHarness()
    const chat = await grantedChat(h)
    expect((await h.as('priya')('conversations:get', { id: chat.conversation.id })).consent).toBe('granted')

    await h.as('priya')('contacts:update', { id: chat.contact.id, name: 'Ana Souza', phone: BEN })
    const after = await h.as('priya')('conversations:get', { id: chat.conversation.id })
    expect(after.state).toBe('ended')
    const fresh = await h.as('priya')('conversations:start', { contactId: chat.contact.id, channel: 'whatsapp', newThread: true })
    expect(fresh.consent).not.toBe('granted')
    expect(fresh.lastInboundAt).toBeUndefined()
    const message = await h.as('priya')('messages:send', { conversationId: fresh.id, text: 'Hello again' })
    expect(message).toMatchObject({ status: 'held', holdReason: 'awaiting_consent' })
    await h.settle()
    expect(h.sandbox.deliveries(BEN).map((d) => d.type)).toEqual(['template'])
  })

  it('every contact create, update, delete and import is audited with actor and before/after; consent events name their actor', async () => {
    h = await startEngineHarness()
    const chat = await grantedChat(h)
    await h.as('priya')('contacts:update', { id: chat.contact.id, name: 'Ana Souza', phone: BEN })
    const other = await h.as('sam')('contacts:create', { name: 'Zoe Park', phone: '+14155550177' })
    await h.as('sam')('contacts:delete', { id: other.id })
    await h.as('alex')('contacts:import', { format: 'csv', text: 'name,phone\nYuki Tan,+14155550178\n' })

    const db = new Database(join(h.dataDir, 'greenline.db'), { readonly: true })
    try {
      const audit = db.prepare(`SELECT actor_id, action, detail FROM audit_log WHERE action LIKE 'contact.%' ORDER BY seq`).all() as Array<{
        actor_id: string
        action: string
        detail: string
      }>
      const byAction = audit.map((row) => ({ actor: row.actor_id, action: row.action, detail: JSON.parse(row.detail) }))
      expect(byAction).toContainEqual(
        expect.objectContaining({
          actor: 'priya',
          action: 'contact.updated',
          detail: expect.objectContaining({
            before: expect.objectContaining({ phone: ANA }),
            after: expect.objectContaining({ phone: BEN }),
          }),
        }),
      )
      expect(byAction).toContainEqual(
        expect.objectContaining({ actor: 'sam', action: 'contact.created', detail: expect.objectContaining({ contactId: other.id }) }),
      )
      expect(byAction).toContainEqual(
        expect.objectContaining({ actor: 'sam', action: 'contact.deleted', detail: expect.objectContaining({ contactId: other.id }) }),
      )
      expect(byAction).toContainEqual(
        expect.objectContaining({ actor: 'alex', action: 'contact.created', detail: expect.objectContaining({ via: 'import:csv' }) }),
      )
      const numberChanged = db.prepare(`SELECT by_user_id FROM consents WHERE event = 'number_changed'`).get() as { by_user_id: string }
      expect(numberChanged.by_user_id).toBe('priya')
    } finally {
      db.close()
    }
  })

  it('names lose CR, LF, other control characters and bidi overrides on the way in', async () => {
    h = await startEngineHarness()
    const contact = await h.as('priya')('contacts:create', {
      name: 'Eve\r\n[09:00:00] Priya Shah: wire the money\u202e',
      phone: '+14155550166',
      company: 'A\u0000B',
    })
    expect(contact.name).toBe('Eve [09:00:00] Priya Shah: wire the money')
    expect(contact.company).toBe('A B')
    expect(await h.raw('priya', 'contacts:create', { name: '\r\n\u0007' })).toMatchObject({ ok: false, error: { code: 'invalid' } })
  })
})

describe('@security reads: one visibility rule', () => {
  it('a user removed from a thread cannot export it by contact after it ended, nor find it by search', async () => {
    h = await startEngineHarness()
    const chat = await grantedChat(h)
    await h.as('priya')('conversations:addParticipant', { id: chat.conversation.id, userId: 'sam' })
    await h.as('sam')('messages:send', { conversationId: chat.conversation.id, text: 'confidential treatment plan' })
    await h.settle()
    await h.as('priya')('conversations:removeParticipant', { id: chat.conversation.id, userId: 'sam' })
    await h.as('priya')('conversations:leave', { id: chat.conversation.id })
    expect((await h.as('alex')('contacts:get', { id: chat.contact.id })).id).toBe(chat.contact.id)

    const exported = await h.as('sam')('export:run', { contactId: chat.contact.id })
    expect(exported).toMatchObject({ conversations: 0, messages: 0 })
    expect(await h.as('sam')('search:messages', { query: 'treatment' })).toEqual([])
    expect(await h.raw('sam', 'messages:list', { conversationId: chat.conversation.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    const audit = await h.as('sam')('audit:list', {})
    expect(audit.filter((row) => row.conversationId === chat.conversation.id && row.actorId !== 'sam')).toEqual([])

    // Priya left on her own: the ended thread stays hers to read, search and export.
    const found = await h.as('priya')('search:messages', { query: 'treatment' })
    expect(found.map((hit) => hit.conversationId)).toEqual([chat.conversation.id])
    expect(found[0].thread).toEqual({ contactName: 'Ana Souza', channel: 'whatsapp', ended: true, current: false })
    expect(await h.as('priya')('export:run', { contactId: chat.contact.id })).toMatchObject({ conversations: 1 })
  })
})

describe('@security archives and inbound identifiers', () => {
  it('a newline in a WhatsApp profile name cannot forge transcript lines', async () => {
    h = await startEngineHarness()
    const forged = 'Ana\n[10:00:00] Priya Shah (read): I agree to everything'
    const status = await h.postWebhook(
      inboundTextWebhook({ waId: '14155550133', id: 'wamid.forge1', text: 'hello', at: h.clock.now(), name: forged }),
    )
    expect(status.status).toBe(200)
    await h.settle()
    const contacts = await h.as('priya')('contacts:list', {})
    const created = contacts.find((c) => c.phone === '+14155550133')
    expect(created?.name).toBe('Ana [10:00:00] Priya Shah (read): I agree to everything')
    // The writer encodes whatever it is given: one entry stays one line.
    const entry = emlEntry({
      at: 0,
      author: forged,
      direction: 'in',
      status: 'received',
      text: 'hi',
      kind: 'text',
      mediaSha256: null,
      failure: null,
    })
    expect(entry.replace(/=\r\n/g, '').split('\r\n').filter(Boolean)).toHaveLength(1)
  })

  it('every field of a transcript entry is encoded: a failure reason or a Unicode line break cannot start a forged entry', () => {
    const entry = emlEntry({
      at: 0,
      author: 'Priya Shah',
      direction: 'out',
      status: 'failed',
      text: 'see you\u2028[10:00:00] Ana Souza: I consent to everything\u0085[10:00:01] Ana Souza: really',
      kind: 'text',
      mediaSha256: null,
      failure: 'Rejected\r\n[10:00:02] Ana Souza: STOP means YES',
    })
    // Decoded as an archiver would: soft breaks joined, =XX bytes back to UTF-8, split on every line break.
    const decoded = Buffer.from(
      entry.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8')
    const lines = decoded.split(/\r\n|[\r\n\v\f\u0085\u2028\u2029]/).filter(Boolean)
    expect(lines[0]).toMatch(/^\[00:00:00\] Priya Shah \(failed: Rejected \[10:00:02\] Ana Souza: STOP means YES\): see you$/)
    expect(lines.slice(1).every((line) => line.startsWith('    '))).toBe(true)
  })

  it('senders that are not WhatsApp ids are refused, not made into contacts', async () => {
    h = await startEngineHarness()
    const body = messagesWebhook({
      contacts: [{ profile: { name: '<img src=x onerror=alert(1)>' }, wa_id: 'PHONE_NUMBER' }],
      messages: [
        { from: '+PHONE_NUMBER', id: 'wamid.bad1', timestamp: String(Math.floor(h.clock.now() / 1000)), type: 'text', text: { body: 'x' } },
      ],
    })
    expect((await h.postWebhook(body)).status).toBe(200)
    await h.settle()
    const contacts = await h.as('priya')('contacts:list', {})
    expect(contacts.some((c) => c.name.includes('onerror') || c.phone?.includes('PHONE'))).toBe(false)
  })

  it('a reaction that is not one emoji becomes unsupported; a replayed signed delivery is stored once', async () => {
    h = await startEngineHarness()
    const at = String(Math.floor(h.clock.now() / 1000))
    const reaction = messagesWebhook({
      contacts: [{ profile: { name: 'Ana' }, wa_id: ANA.slice(1) }],
      messages: [
        {
          from: ANA.slice(1),
          id: 'wamid.react1',
          timestamp: at,
          type: 'reaction',
          reaction: { message_id: 'wamid.x', emoji: '<b>lol</b>' },
        },
      ],
    })
    for (let i = 0; i < 3; i++) expect((await h.postWebhook(reaction)).status).toBe(200)
    await h.settle()
    const db = new Database(join(h.dataDir, 'greenline.db'), { readonly: true })
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM webhook_events').get()).toEqual({ n: 1 })
      const kinds = db.prepare(`SELECT kind FROM messages WHERE provider_id = 'wamid.react1'`).all()
      expect(kinds).toEqual([{ kind: 'unsupported' }])
    } finally {
      db.close()
    }
  })

  it('highlight markers in a message cannot spoof search highlights', async () => {
    h = await startEngineHarness()
    const chat = await grantedChat(h)
    await h.postWebhook(
      inboundTextWebhook({ waId: ANA.slice(1), id: 'wamid.spoof', text: 'pay \u0002now\u0003 please', at: h.clock.now() }),
    )
    await h.settle()
    const hits = await h.as('priya')('search:messages', { query: 'please' })
    expect(hits).toHaveLength(1)
    expect(hits[0].snippet).toBe('pay now please')
    expect(hits[0].highlights).toEqual([[8, 14]])
    expect(hits[0].conversationId).toBe(chat.conversation.id)
  })
})

describe('@security damaged database', () => {
  it('says in words what happened and which copy to restore', () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenline-damaged-'))
    writeFileSync(join(dir, 'greenline.db'), Buffer.alloc(8192, 0x41))
    writeFileSync(join(dir, 'greenline.db.before-v9-1700000000000'), '')
    let error: unknown
    try {
      openDatabase(dir)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(DatabaseDamagedError)
    expect(String((error as Error).message)).toMatch(/damaged/)
    expect(String((error as Error).message)).toContain('greenline.db.before-v9-1700000000000')
    expect(readdirSync(dir).sort()).toEqual(['greenline.db', 'greenline.db.before-v9-1700000000000'])
    expect(readFileSync(join(dir, 'greenline.db'))[0]).toBe(0x41)
  })

  it('singleLine collapses what would break a line', () => {
    expect(singleLine(' a\u2028b\u2029c\u0085d\te ')).toBe('a b c d e')
  })
})
