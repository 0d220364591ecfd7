import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate } from '../../../electron/core/db/migrate'
import { openMemoryDatabase, type Db } from '../../../electron/core/db/open'
import { addParticipant, insertConversation } from '../../../electron/core/db/repositories/conversations'
import { insertMessage, searchMessageRows } from '../../../electron/core/db/repositories/messages'
import { syncOrgUsers } from '../../../electron/core/db/repositories/org-users'
import { DEMO_USERS } from '../../../electron/launcher/demo-org'

const open: Db[] = []
afterEach(() => {
  for (const db of open.splice(0)) db.close()
})

function seed(db: Db, count: number): void {
  syncOrgUsers(db, DEMO_USERS)
  // Written as SQL: this seeds a database at an older schema than the contacts repository's.
  db.prepare(`INSERT INTO contacts (id, name, phone, created_at, updated_at) VALUES ('c1', 'Ana Souza', '+14155550101', 1, 1)`).run()
  insertConversation(db, { id: 'v1', contactId: 'c1', channel: 'whatsapp', now: 1 })
  addParticipant(db, 'v1', 'priya', 1)
  for (let i = 0; i < count; i++)
    insertMessage(db, {
      id: `m${i}`,
      conversationId: 'v1',
      direction: 'in',
      kind: 'text',
      body: i % 2 ? `the appointment number ${i}` : `thanks for number ${i}`,
      status: 'received',
      createdAt: 10 + i,
    })
}

describe('message search with a prefix index (issue 21)', () => {
  it('declares a prefix index on the FTS table', () => {
    const db = openMemoryDatabase()
    open.push(db)
    const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'messages_fts'`).pluck().get() as string
    expect(sql).toContain("prefix='1 2 3'")
  })

  it('pages through as-you-type prefix matches, newest first, without gaps or repeats', () => {
    const db = openMemoryDatabase()
    open.push(db)
    seed(db, 25)
    const seen: string[] = []
    let before: string | undefined
    for (;;) {
      const page = searchMessageRows(db, 'priya', 'th', 10, before)
      seen.push(...page.map((r) => r.id))
      if (page.length < 10) break
      before = page[page.length - 1].id
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `m${24 - i}`))
    expect(searchMessageRows(db, 'priya', 'number xyz', 50).map((r) => r.id)).toEqual([])
    expect(searchMessageRows(db, 'priya', 'appointment numb', 50)).toHaveLength(12)
    expect(searchMessageRows(db, 'sam', 'th', 50)).toEqual([])
  })

  it('rebuilds the index for messages written before the upgrade', () => {
    const db = new Database(':memory:')
    open.push(db)
    migrate(db, { target: 30 })
    seed(db, 6)
    migrate(db)
    expect(searchMessageRows(db, 'priya', 'appoi', 50).map((r) => r.id)).toEqual(['m5', 'm3', 'm1'])
  })
})
