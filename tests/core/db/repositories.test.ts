import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Db } from '../../../electron/core/db/open'
import { openMemoryDatabase } from '../../../electron/core/db/open'
import {
  insertContact,
  searchContacts,
  updateContactIdentity,
  findContactByWhatsApp,
} from '../../../electron/core/db/repositories/contacts'
import { addParticipant, insertConversation } from '../../../electron/core/db/repositories/conversations'
import { appendAudit, verifyLedger } from '../../../electron/core/db/repositories/ledger'
import {
  getMessageRowByProviderId,
  insertMessage,
  listMessageRows,
  searchMessageRows,
  updateMessage,
} from '../../../electron/core/db/repositories/messages'
import { syncOrgUsers } from '../../../electron/core/db/repositories/org-users'
import { DEMO_USERS } from '../../../electron/launcher/demo-org'

let db: Db
beforeEach(() => {
  db = openMemoryDatabase()
  syncOrgUsers(db, DEMO_USERS)
})
afterEach(() => db.close())

const names = (list: Array<{ name: string }>) => list.map((c) => c.name).sort()

function conversationWith(contactId: string, id = `v_${contactId}`, participants = ['priya']) {
  insertConversation(db, { id, contactId, channel: 'whatsapp', now: 1 })
  for (const userId of participants) addParticipant(db, id, userId, 1)
  return id
}

describe('contacts', () => {
  beforeEach(() => {
    insertContact(db, { id: 'c1', name: 'Chloé Martin', phone: '+14155550103', company: 'Café Lumière', now: 1 })
    insertContact(db, { id: 'c2', name: 'Ana Souza', phone: '+14155550101', company: 'Acme Dental', now: 1 })
    insertContact(db, { id: 'c3', name: 'Ben Okafor', phone: '+442071838750', now: 1 })
  })

  it('finds people by name, company or number, ignoring accents and case', () => {
    expect(names(searchContacts(db, 'chloe'))).toEqual(['Chloé Martin'])
    expect(names(searchContacts(db, 'CHLOÉ'))).toEqual(['Chloé Martin'])
    expect(names(searchContacts(db, 'lumiere'))).toEqual(['Chloé Martin'])
    expect(names(searchContacts(db, 'dental'))).toEqual(['Ana Souza'])
    expect(names(searchContacts(db, 'ouza'))).toEqual(['Ana Souza'])
    expect(names(searchContacts(db, '555-0101'))).toEqual(['Ana Souza'])
    expect(names(searchContacts(db, '4155550'))).toEqual(['Ana Souza', 'Chloé Martin'])
    expect(names(searchContacts(db, 'Be'))).toEqual(['Ben Okafor'])
    expect(names(searchContacts(db, ''))).toEqual(['Ana Souza', 'Ben Okafor', 'Chloé Martin'])
    expect(searchContacts(db, 'nobody here')).toEqual([])
  })

  it('round-trips identity changes and matches WhatsApp senders by wa_id, user id or phone', () => {
    expect(findContactByWhatsApp(db, { waId: '14155550101' })?.id).toBe('c2')
    updateContactIdentity(db, 'c2', { waId: '14155550101', userId: 'US.1', now: 2 })
    expect(findContactByWhatsApp(db, { userId: 'US.1' })).toMatchObject({ id: 'c2', waId: '14155550101', userId: 'US.1', updatedAt: 2 })
    updateContactIdentity(db, 'c1', { phone: '+14155550999', now: 3 })
    expect(names(searchContacts(db, '550999'))).toEqual(['Chloé Martin'])
  })

  it('matches a WhatsApp sender through the contacts indexes, never a scan (every inbound webhook asks)', () => {
    const prepare = vi.spyOn(db, 'prepare')
    findContactByWhatsApp(db, { waId: '14155550101', userId: 'US.1' })
    const sql = prepare.mock.calls[0][0]
    prepare.mockRestore()
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ waId: '1', userId: 'US.1' }) as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('\n')
    expect(plan).toMatch(/SEARCH contacts USING INDEX contacts_user_id/)
    expect(plan).toMatch(/SEARCH contacts USING INDEX contacts_wa_id/)
    expect(plan).toMatch(/SEARCH contacts USING INDEX contacts_phone/)
    expect(plan).not.toMatch(/SCAN contacts/)
  })
})

describe('messages', () => {
  let conversationId: string
  beforeEach(() => {
    insertContact(db, { id: 'c1', name: 'Ana Souza', phone: '+14155550101', now: 1 })
    conversationId = conversationWith('c1')
  })

  it('pages a thread by seq, oldest first, with no gaps or overlaps', () => {
    for (let i = 0; i < 120; i++) {
      insertMessage(db, {
        id: `m${i}`,
        conversationId,
        direction: i % 2 ? 'in' : 'out',
        kind: 'text',
        body: `message ${i}`,
        status: i % 2 ? 'received' : 'sent',
        providerId: `wamid.${i}`,
        createdAt: i,
      })
    }
    const pages: string[][] = []
    let before: number | undefined
    for (;;) {
      const page = listMessageRows(db, conversationId, { beforeSeq: before, limit: 50 })
      if (page.length === 0) break
      expect(page.map((m) => m.seq)).toEqual([...page.map((m) => m.seq)].sort((a, b) => a - b))
      pages.push(page.map((m) => m.id))
      before = page[0].seq
    }
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20])
    expect(pages.reverse().flat()).toEqual(Array.from({ length: 120 }, (_, i) => `m${i}`))
  })

  it('round-trips status updates and finds messages by provider id', () => {
    insertMessage(db, { id: 'm1', conversationId, direction: 'out', kind: 'text', body: 'hi', status: 'sending', createdAt: 1 })
    updateMessage(db, 'm1', { status: 'sent', providerId: 'wamid.1', now: 5 })
    updateMessage(db, 'm1', { status: 'failed', error: 'Nope', errorCode: 131049, now: 6 })
    expect(getMessageRowByProviderId(db, 'wamid.1')).toMatchObject({
      id: 'm1',
      status: 'failed',
      error: 'Nope',
      error_code: 131049,
      sent_at: 5,
    })
  })

  it('searches message text (accents ignored, prefixes match) only in threads the user is in', () => {
    insertContact(db, { id: 'c2', name: 'Ben', phone: '+14155550102', now: 1 })
    const other = conversationWith('c2', 'v_other', ['sam'])
    insertMessage(db, {
      id: 'a',
      conversationId,
      direction: 'in',
      kind: 'text',
      body: 'Meet me at the café tomorrow',
      status: 'received',
      createdAt: 1,
    })
    insertMessage(db, {
      id: 'b',
      conversationId,
      direction: 'out',
      kind: 'text',
      body: 'The invoice is attached',
      status: 'sent',
      createdAt: 2,
    })
    insertMessage(db, {
      id: 'c',
      conversationId: other,
      direction: 'in',
      kind: 'text',
      body: 'Cafe for Sam only',
      status: 'received',
      createdAt: 3,
    })
    expect(searchMessageRows(db, 'priya', 'cafe', 10).map((r) => r.id)).toEqual(['a'])
    expect(searchMessageRows(db, 'priya', 'invo', 10).map((r) => r.id)).toEqual(['b'])
    expect(searchMessageRows(db, 'sam', 'cafe', 10).map((r) => r.id)).toEqual(['c'])
    expect(searchMessageRows(db, 'priya', 'café tomorrow', 10)[0].snippet).toContain('tomorrow')
    expect(searchMessageRows(db, 'priya', '"*:()', 10)).toEqual([])
    // An edited body is searched by its new text.
    updateMessage(db, 'b', { body: 'The receipt is attached', now: 3 })
    expect(searchMessageRows(db, 'priya', 'invoice', 10)).toEqual([])
    expect(searchMessageRows(db, 'priya', 'receipt', 10).map((r) => r.id)).toEqual(['b'])
  })

  it('reads a thread page through the messages_conversation index', () => {
    const prepare = vi.spyOn(db, 'prepare')
    listMessageRows(db, conversationId, { limit: 50 })
    const sql = prepare.mock.calls[0][0]
    prepare.mockRestore()
    const plan = (
      db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ conversationId, before: Number.MAX_SAFE_INTEGER, limit: 50 }) as Array<{
        detail: string
      }>
    ).map((r) => r.detail)
    expect(plan.join('\n')).toMatch(/SEARCH m USING (COVERING )?INDEX messages_conversation \(conversation_id=\? AND seq<\?\)/)
    expect(plan.join('\n')).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/)
  })
})

describe('the hash-chained audit log', () => {
  beforeEach(() => {
    for (let i = 1; i <= 5; i++) appendAudit(db, { at: i, actorId: 'priya', action: `action.${i}`, detail: { i } })
  })

  it('verifies an untouched chain', () => {
    expect(verifyLedger(db, 'audit_log')).toEqual({ ok: true, rows: 5 })
  })

  it('detects an edited row', () => {
    db.prepare(`UPDATE audit_log SET detail = '{"i":99}' WHERE seq = 3`).run()
    expect(verifyLedger(db, 'audit_log')).toMatchObject({ ok: false, brokenSeq: 3, reason: 'the row was changed' })
  })

  it('detects a deleted row', () => {
    db.prepare('DELETE FROM audit_log WHERE seq = 2').run()
    expect(verifyLedger(db, 'audit_log')).toMatchObject({ ok: false, brokenSeq: 3, reason: 'row 2 is missing' })
  })

  it('detects reordered rows', () => {
    // Swap the positions of rows 2 and 4, keeping every row's own hashes.
    db.prepare('UPDATE audit_log SET seq = -2 WHERE seq = 2').run()
    db.prepare('UPDATE audit_log SET seq = 2 WHERE seq = 4').run()
    db.prepare('UPDATE audit_log SET seq = 4 WHERE seq = -2').run()
    const verdict = verifyLedger(db, 'audit_log')
    expect(verdict).toMatchObject({ ok: false, brokenSeq: 2 })
  })

  it('chains the consent history the same way', async () => {
    const { appendConsentEvent } = await import('../../../electron/core/db/repositories/ledger')
    insertContact(db, { id: 'c1', name: 'Ana', phone: '+14155550101', now: 1 })
    appendConsentEvent(db, { contactId: 'c1', state: 'requested', event: 'request', at: 1, byUserId: 'priya', evidenceMessageId: 'm1' })
    appendConsentEvent(db, { contactId: 'c1', state: 'granted', event: 'reply', at: 2, evidenceMessageId: 'm2' })
    expect(verifyLedger(db, 'consents')).toEqual({ ok: true, rows: 2 })
    db.prepare(`UPDATE consents SET state = 'declined' WHERE seq = 2`).run()
    expect(verifyLedger(db, 'consents')).toMatchObject({ ok: false, brokenSeq: 2 })
  })
})
