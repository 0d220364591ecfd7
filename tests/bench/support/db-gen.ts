import { openDatabase, type Db } from '../../../electron/core/db/open'
import { syncOrgUsers } from '../../../electron/core/db/repositories/org-users'
import { DEMO_USERS } from '../../../electron/launcher/demo-org'
import { mulberry32, people, timeOrderedIds, vocabulary, ZipfText } from './data'

/**
 * Builds benchmark databases directly with prepared statements in large transactions (the engine's
 * own schema via openDatabase; rows written the way the engine would write them). Message ids are
 * time-ordered like the engine's; the FTS index is built once at the end instead of row by row.
 */

export interface MessagesDbSpec {
  conversations: number
  messages: number
  /** Which conversation message `i` belongs to; default bursty (a few threads active at a time). */
  conversationOf?: (i: number, random: () => number) => number
  /** Org users taking part in conversation `c`; default priya in all, sam in every 2nd, alex in every 3rd. */
  participantsOf?: (c: number) => string[]
  seed?: number
  /** Spacing of messages in time (ms); default 30 s. */
  stepMs?: number
  log?: (line: string) => void
}

export interface MessagesDbInfo {
  conversationIds: string[]
  contactIds: string[]
  messages: number
  /** The vocabulary, most frequent word first (Zipf rank order). */
  words: string[]
  genMs: number
  ftsMs: number
}

/**
 * Conversations come in bursts, as in a real inbox: a few threads are active at a time and each
 * message goes to one of them; now and then one falls quiet and another starts. Spreads each
 * thread's messages over ~50 sessions instead of over every day of the year.
 */
function bursty(conversations: number): (i: number, random: () => number) => number {
  const active: number[] = []
  return (_i, random) => {
    if (active.length < Math.min(8, conversations)) active.push(Math.floor(random() * conversations))
    else if (random() < 0.05) active[Math.floor(random() * active.length)] = Math.floor(random() * conversations)
    return active[Math.floor(random() * active.length)]
  }
}

const defaultParticipants = (c: number) => ['priya', ...(c % 2 === 0 ? ['sam'] : []), ...(c % 3 === 0 ? ['alex'] : [])]

export function generateMessagesDb(dataDir: string, spec: MessagesDbSpec): MessagesDbInfo {
  const started = performance.now()
  const random = mulberry32(spec.seed ?? 42)
  const words = vocabulary()
  const text = new ZipfText(words, random)
  const step = spec.stepMs ?? 30_000
  const end = Date.now() - 3_600_000
  const start = end - spec.messages * step - spec.conversations * 1000
  const db = openDatabase(dataDir)
  try {
    syncOrgUsers(db, DEMO_USERS)
    const { conversationIds, contactIds } = seedConversations(db, spec, start, random)
    const participantsOf = spec.participantsOf ?? defaultParticipants
    const insertFtsTrigger = dropTrigger(db, 'messages_fts_insert')
    const messageId = timeOrderedIds('m_', random)
    const insert = db.prepare(
      `INSERT INTO messages (id, conversation_id, direction, author_id, kind, body, status, provider_id, created_at, updated_at, sent_at, delivered_at, read_at)
       VALUES (?, ?, ?, ?, 'text', ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    const pickConversation = spec.conversationOf ?? bursty(spec.conversations)
    const batch = 50_000
    for (let from = 0; from < spec.messages; from += batch) {
      db.transaction(() => {
        for (let i = from; i < Math.min(spec.messages, from + batch); i++) {
          const c = pickConversation(i, random)
          const at = start + spec.conversations * 1000 + i * step
          const inbound = random() < 0.5
          const author = inbound ? null : participantsOf(c)[0]
          insert.run(
            messageId(at),
            conversationIds[c],
            inbound ? 'in' : 'out',
            author,
            text.body(),
            inbound ? 'received' : 'read',
            `wamid.bench${i.toString(36).padStart(8, '0')}`,
            at,
            at,
            inbound ? null : at,
            inbound ? null : at + 1000,
            inbound ? null : at + 5000,
          )
        }
      })()
      if ((from / batch) % 4 === 3) spec.log?.(`  … ${Math.min(spec.messages, from + batch).toLocaleString('en-US')} messages`)
    }
    db.exec(`UPDATE conversations SET
      last_message_seq = (SELECT max(seq) FROM messages m WHERE m.conversation_id = conversations.id),
      last_activity_at = COALESCE((SELECT max(created_at) FROM messages m WHERE m.conversation_id = conversations.id), last_activity_at)`)
    const genMs = performance.now() - started
    const ftsStart = performance.now()
    db.exec(`INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')`)
    db.exec(insertFtsTrigger)
    const ftsMs = performance.now() - ftsStart
    db.pragma('wal_checkpoint(TRUNCATE)')
    return { conversationIds, contactIds, messages: spec.messages, words, genMs, ftsMs }
  } finally {
    db.close()
  }
}

function seedConversations(db: Db, spec: MessagesDbSpec, start: number, random: () => number) {
  const participantsOf = spec.participantsOf ?? defaultParticipants
  const contactId = timeOrderedIds('c_', random)
  const conversationId = timeOrderedIds('v_', random)
  const contacts = people(spec.conversations, (spec.seed ?? 42) + 1)
  const insertContact = db.prepare(
    `INSERT INTO contacts (id, name, phone, company, email, wa_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertUser = db.prepare(
    `INSERT INTO whatsapp_users (contact_id, consent, consent_updated_at, last_requested_at, last_inbound_at) VALUES (?, 'granted', ?, ?, ?)`,
  )
  const insertConversation = db.prepare(
    `INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at) VALUES (?, ?, 'whatsapp', ?, ?)`,
  )
  const insertParticipant = db.prepare(`INSERT INTO participants (conversation_id, user_id, joined_at, unread) VALUES (?, ?, ?, ?)`)
  const conversationIds: string[] = []
  const contactIds: string[] = []
  db.transaction(() => {
    contacts.forEach((person, c) => {
      const at = start + c * 1000
      const cid = contactId(at)
      const vid = conversationId(at)
      insertContact.run(cid, person.name, person.phone, person.company ?? null, person.email ?? null, person.phone.slice(1), at, at)
      insertUser.run(cid, at, at, Date.now() - 3_600_000)
      insertConversation.run(vid, cid, at, at)
      for (const user of participantsOf(c)) insertParticipant.run(vid, user, at, random() < 0.2 ? Math.floor(random() * 5) : 0)
      contactIds.push(cid)
      conversationIds.push(vid)
    })
  })()
  return { conversationIds, contactIds }
}

/** Drops a trigger and returns the SQL that recreates it exactly. */
function dropTrigger(db: Db, name: string): string {
  const row = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?`).get(name) as { sql: string } | undefined
  if (!row) throw new Error(`no trigger ${name}`)
  db.exec(`DROP TRIGGER ${name}`)
  return row.sql
}

/** `count` contacts (realistic names, companies, unique E.164 numbers) through the contacts FTS trigger. */
export function generateContactsDb(dataDir: string, count: number, seed = 3): { genMs: number } {
  const started = performance.now()
  const random = mulberry32(seed)
  const contactId = timeOrderedIds('c_', random)
  const db = openDatabase(dataDir)
  try {
    syncOrgUsers(db, DEMO_USERS)
    const insert = db.prepare(`INSERT INTO contacts (id, name, phone, company, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    const list = people(count, seed)
    const at0 = Date.now() - count * 1000
    for (let from = 0; from < list.length; from += 20_000) {
      db.transaction(() => {
        for (let i = from; i < Math.min(list.length, from + 20_000); i++) {
          const p = list[i]
          const at = at0 + i * 1000
          insert.run(contactId(at), p.name, p.phone, p.company ?? null, p.email ?? null, at, at)
        }
      })()
    }
    db.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
  return { genMs: performance.now() - started }
}
