import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migratePg } from '../../../../electron/core/db/pg/migrate'
import { createPgPool } from '../../../../electron/core/db/pg/pool'
import { messageSearchQuery, searchMessages } from '../../../../electron/core/db/pg/search'
import { usePgCluster } from '../../../helpers/pg-cluster'

const BODIES = [
  'Le café est prêt à la réception',
  'Cafe opens at nine',
  'Your résumé arrived',
  'Quarterly report attached',
  'The reporter called back',
  'Ünïcode façade in Zürich',
]

describe('message search on PostgreSQL (tsvector + GIN, accent-insensitive)', () => {
  const cluster = usePgCluster()
  let db: pg.Pool

  beforeAll(async () => {
    db = createPgPool(await cluster().createDatabase(), { max: 2 })
    await migratePg(db)
    await db.query(`
      INSERT INTO org_users (id, name) VALUES ('tom', 'Tom'), ('una', 'Una');
      INSERT INTO contacts (id, name, created_at, updated_at) VALUES ('k1', 'Ana', 1, 1), ('k2', 'Ben', 1, 1);
      INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at) VALUES ('c1', 'k1', 'whatsapp', 1, 1), ('c2', 'k2', 'whatsapp', 1, 1);
      INSERT INTO participants (conversation_id, user_id, joined_at) VALUES ('c1', 'tom', 1), ('c2', 'una', 1);`)
    for (const [i, body] of BODIES.entries()) {
      await db.query(
        `INSERT INTO messages (id, conversation_id, direction, kind, body, status, created_at, updated_at) VALUES ($1, 'c1', 'in', 'text', $2, 'received', $3, $3)`,
        [`m${i}`, body, i],
      )
    }
    // Una's conversation: Tom must never find it.
    await db.query(
      `INSERT INTO messages (id, conversation_id, direction, kind, body, status, created_at, updated_at) VALUES ('secret', 'c2', 'in', 'text', 'café secret', 'received', 9, 9)`,
    )
  })
  afterAll(() => db?.end())

  const find = async (text: string, user = 'tom') => (await searchMessages(db, user, text, 50)).map((hit) => hit.id)

  it('finds a word with or without its accents, in either direction', async () => {
    expect(await find('cafe')).toEqual(['m1', 'm0'])
    expect(await find('café')).toEqual(['m1', 'm0'])
    expect(await find('resume')).toEqual(['m2'])
    expect(await find('ZURICH facade')).toEqual(['m5'])
  })

  it('matches the last word as a prefix (still being typed), earlier words whole', async () => {
    expect(await find('rep')).toEqual(['m4', 'm3'])
    expect(await find('report')).toEqual(['m4', 'm3'])
    expect(await find('quarterly rep')).toEqual(['m3'])
    // "rep" whole is no word of any message.
    expect(await find('rep quarterly')).toEqual([])
  })

  it('finds only in conversations the user may read, pages by seq, and marks the match without HTML', async () => {
    expect(await find('cafe', 'una')).toEqual(['secret'])
    const [first] = await searchMessages(db, 'tom', 'cafe', 1)
    expect(first?.id).toBe('m1')
    expect((await searchMessages(db, 'tom', 'cafe', 1, first?.seq)).map((h) => h.id)).toEqual(['m0'])
    expect(first?.snippet).toBe('\u0002Cafe\u0003 opens at nine')
  })

  it('follows the same who-may-read rule as SQLite: former participants of an ended thread, unless removed', async () => {
    await db.query(`
      INSERT INTO org_users (id, name) VALUES ('vic', 'Vic'), ('wes', 'Wes');
      INSERT INTO conversations (id, contact_id, channel, created_at, ended_at, last_activity_at) VALUES ('c3', 'k1', 'whatsapp', 1, 50, 50);
      INSERT INTO participants (conversation_id, user_id, joined_at, left_at) VALUES ('c3', 'vic', 1, 40), ('c3', 'wes', 1, 40);
      INSERT INTO audit_log (at, actor_id, action, conversation_id, detail) VALUES
        (40, 'vic', 'participant.left', 'c3', '{}'),
        (40, 'una', 'participant.removed', 'c3', '{"userId":"wes"}');
      INSERT INTO messages (id, conversation_id, direction, kind, body, status, created_at, updated_at)
        VALUES ('ended', 'c3', 'in', 'text', 'archived invoice', 'received', 30, 30);`)
    expect(await find('invoice', 'vic')).toEqual(['ended'])
    expect(await find('invoice', 'wes')).toEqual([])
    expect(await find('invoice', 'tom')).toEqual([])
  })

  it('takes any text safely: operators and quotes are only separators', async () => {
    expect(messageSearchQuery(`caf' | !report & (x) :*`)).toBe('caf & report & x:*')
    expect(messageSearchQuery(' ?! ')).toBeUndefined()
    expect(await find(`'); DROP TABLE messages; --`)).toEqual([])
    expect(await find('"réception" café')).toEqual(['m0'])
  })

  it('is served by the messages_search GIN index', async () => {
    const client = await db.connect()
    try {
      await client.query('BEGIN')
      await client.query('SET LOCAL enable_seqscan = off')
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT seq FROM messages m WHERE m.search_vector @@ to_tsquery('greenline_search', $1)`,
        [messageSearchQuery('cafe')],
      )
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('messages_search')
      await client.query('ROLLBACK')
    } finally {
      client.release()
    }
  })
})
