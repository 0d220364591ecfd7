import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../electron/core/db/open'
import { openMemoryDatabase } from '../../../electron/core/db/open'
import { insertContact } from '../../../electron/core/db/repositories/contacts'
import {
  addParticipant,
  decodeConversationCursor,
  encodeConversationCursor,
  insertConversation,
  listConversationRows,
  touchConversation,
} from '../../../electron/core/db/repositories/conversations'
import { syncOrgUsers } from '../../../electron/core/db/repositories/org-users'
import { DEMO_USERS } from '../../../electron/launcher/demo-org'

let db: Db
beforeEach(() => {
  db = openMemoryDatabase()
  syncOrgUsers(db, DEMO_USERS)
  // 30 threads; several share an activity time, so the cursor must break ties.
  for (let i = 0; i < 30; i++) {
    insertContact(db, { id: `c${i}`, name: `Contact ${i}`, phone: `+1415555${String(1000 + i)}`, now: 1 })
    insertConversation(db, { id: `v${i}`, contactId: `c${i}`, channel: i % 3 ? 'whatsapp' : 'sms', now: 1 })
    addParticipant(db, `v${i}`, 'priya', 1)
    touchConversation(db, `v${i}`, i, 1000 + Math.floor(i / 4))
  }
  db.exec('ANALYZE')
})
afterEach(() => db.close())

const planOf = (sql: string, params: Record<string, unknown>) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail).join('\n')

describe('conversation list pages (issue 21)', () => {
  it('walks every thread newest first across pages, without gaps or repeats, ties included', () => {
    const seen: string[] = []
    let cursor: ReturnType<typeof decodeConversationCursor>
    for (let page = 0; page < 10; page++) {
      const rows = listConversationRows(db, 'priya', { limit: 7, cursor })
      seen.push(...rows.map((r) => r.id))
      if (rows.length < 7) break
      const last = rows[rows.length - 1]
      cursor = decodeConversationCursor(encodeConversationCursor({ lastActivityAt: last.last_activity_at, id: last.id }))
    }
    expect(new Set(seen).size).toBe(30)
    expect(seen).toHaveLength(30)
    const activity = seen.map((id) => 1000 + Math.floor(Number(id.slice(1)) / 4))
    expect(activity).toEqual([...activity].sort((a, b) => b - a))
  })

  it('returns a small page by default, and never another user’s threads', () => {
    expect(listConversationRows(db, 'priya')).toHaveLength(30)
    expect(listConversationRows(db, 'priya', { limit: 5 })).toHaveLength(5)
    expect(listConversationRows(db, 'sam')).toHaveLength(0)
    expect(listConversationRows(db, 'priya', { channel: 'sms', limit: 100 }).every((r) => r.channel === 'sms')).toBe(true)
  })

  it('rejects a malformed cursor', () => {
    expect(decodeConversationCursor('nonsense')).toBeUndefined()
    expect(decodeConversationCursor('12:')).toBeUndefined()
    expect(decodeConversationCursor('12:v3')).toEqual({ lastActivityAt: 12, id: 'v3' })
  })

  it('is an index walk: EXPLAIN QUERY PLAN shows no temporary B-tree, first page and next pages', () => {
    let captured = ''
    const prepare = db.prepare.bind(db)
    db.prepare = (sql: string) => {
      if (sql.includes('ORDER BY c.last_activity_at')) captured = sql
      return prepare(sql)
    }
    listConversationRows(db, 'priya', { limit: 50 })
    const first = captured
    listConversationRows(db, 'priya', { limit: 50, cursor: { lastActivityAt: 1003, id: 'v13' } })
    const next = captured
    db.prepare = prepare
    const params = { userId: 'priya', channel: null, contactId: null, cursorAt: 1003, cursorId: 'v13', limit: 50 }
    for (const sql of [first, next]) {
      const plan = planOf(sql, params)
      expect(plan).toContain('conversations_activity')
      expect(plan).not.toContain('TEMP B-TREE')
    }
  })
})
