import type { Db } from '../open'
import { statements } from '../statements'
import { getState, setState } from './app-state'
import { appendAudit, appendLedgerRow, rowHash } from './ledger'

/** What an import brought (counts of rows new to the server; a second run of the same file gives zeros). */
export interface ImportCounts {
  contacts: number
  conversations: number
  messages: number
  media: number
  consentEvents: number
}

/** The link between the solo ledger and the server's: enough to recompute the solo chain from server rows. */
export interface LedgerImportRecord {
  /** The solo ledger's first row hash: names the file's ledger however often it is imported. */
  genesis: string
  /** Solo rows `fromSeq…toSeq` became server rows `serverSeqs` (same order, same content). */
  fromSeq: number
  toSeq: number
  serverSeqs: number[]
  /** Solo row `fromSeq - 1`'s hash, and the solo head after `toSeq`: the recomputation must end there. */
  prevHash: string
  headHash: string
  /** Solo contact id → server contact id where they differed (the server knew the number already). */
  contactMap: Record<string, string>
}

const CONSENT_COLUMNS = ['contact_id', 'state', 'event', 'at', 'by_user_id', 'evidence_message_id', 'detail'] as const

function columnsOf(db: Db, schema: string, table: string): string[] {
  return (statements(db).prepare(`PRAGMA ${schema}.table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name)
}

/** Columns both databases have (either side may be a release ahead in columns nobody needs here). */
function shared(db: Db, table: string, except: readonly string[] = []): string[] {
  const target = new Set(columnsOf(db, 'main', table))
  return columnsOf(db, 'solo', table).filter((c) => target.has(c) && !except.includes(c))
}

/**
 * Copies a solo desktop's history (attached as schema `solo`, already migrated to this version)
 * into the server's database, as `userId`: contacts (matched by phone to the server's own),
 * conversations with `userId` as their participant, messages (in their order; anything the solo
 * app had not sent yet comes in as failed, to be retried by hand, never sent by surprise), media
 * rows, and the consent ledger appended to the server's chain row by row with a record that lets
 * anyone recompute the solo chain's hashes from the server's rows. Every step skips what an
 * earlier run brought, so running it twice changes nothing. One transaction: all or nothing.
 */
export function importSoloHistory(db: Db, userId: string, now: number): ImportCounts & { ledger?: LedgerImportRecord } {
  return db.transaction(() => {
    const counts: ImportCounts = { contacts: 0, conversations: 0, messages: 0, media: 0, consentEvents: 0 }

    // -- contacts ---------------------------------------------------------------------------
    const contactMap = new Map<string, string>()
    const contactColumns = shared(db, 'contacts')
    const soloContacts = statements(db).prepare('SELECT id, phone, deleted_at FROM solo.contacts').all() as Array<{
      id: string
      phone: string | null
      deleted_at: number | null
    }>
    for (const contact of soloContacts) {
      if (statements(db).prepare('SELECT 1 FROM main.contacts WHERE id = ?').get(contact.id)) {
        contactMap.set(contact.id, contact.id)
        continue
      }
      const samePhone =
        contact.phone && contact.deleted_at === null
          ? (statements(db).prepare('SELECT id FROM main.contacts WHERE phone = ? AND deleted_at IS NULL').pluck().get(contact.phone) as
              string | undefined)
          : undefined
      if (samePhone) {
        contactMap.set(contact.id, samePhone)
        continue
      }
      statements(db)
        .prepare(
          `INSERT INTO main.contacts (${contactColumns.join(', ')}) SELECT ${contactColumns.join(', ')} FROM solo.contacts WHERE id = ?`,
        )
        .run(contact.id)
      contactMap.set(contact.id, contact.id)
      counts.contacts++
    }
    const mapped = (id: string) => contactMap.get(id) ?? id

    const waColumns = shared(db, 'whatsapp_users', ['contact_id'])
    for (const row of statements(db).prepare('SELECT contact_id FROM solo.whatsapp_users').all() as Array<{ contact_id: string }>) {
      // The server's own consent state wins for a number it already knew.
      statements(db)
        .prepare(
          `INSERT OR IGNORE INTO main.whatsapp_users (contact_id, ${waColumns.join(', ')})
         SELECT ?, ${waColumns.join(', ')} FROM solo.whatsapp_users WHERE contact_id = ?`,
        )
        .run(mapped(row.contact_id), row.contact_id)
    }

    // -- media --------------------------------------------------------------------------------
    const mediaColumns = shared(db, 'media')
    counts.media = statements(db)
      .prepare(`INSERT OR IGNORE INTO main.media (${mediaColumns.join(', ')}) SELECT ${mediaColumns.join(', ')} FROM solo.media`)
      .run().changes

    // -- conversations and participants ------------------------------------------------------
    const conversationColumns = shared(db, 'conversations', ['contact_id', 'last_message_seq', 'restarted_from'])
    const newConversations = statements(db)
      .prepare(
        'SELECT id, contact_id, restarted_from FROM solo.conversations WHERE id NOT IN (SELECT id FROM main.conversations) ORDER BY created_at',
      )
      .all() as Array<{ id: string; contact_id: string; restarted_from: string | null }>
    for (const conversation of newConversations) {
      statements(db)
        .prepare(
          `INSERT INTO main.conversations (id, contact_id, restarted_from, ${conversationColumns.filter((c) => c !== 'id').join(', ')})
         SELECT id, ?, ?, ${conversationColumns.filter((c) => c !== 'id').join(', ')} FROM solo.conversations WHERE id = ?`,
        )
        .run(mapped(conversation.contact_id), conversation.restarted_from, conversation.id)
      // Solo threads had one person: the one importing. Their read state comes along.
      const participant = statements(db)
        .prepare(
          'SELECT joined_at, left_at, unread, last_read_at FROM solo.participants WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1',
        )
        .get(conversation.id) as { joined_at: number; left_at: number | null; unread: number; last_read_at: number | null } | undefined
      statements(db)
        .prepare(
          'INSERT INTO main.participants (conversation_id, user_id, joined_at, left_at, unread, last_read_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          conversation.id,
          userId,
          participant?.joined_at ?? now,
          participant?.left_at ?? null,
          participant?.unread ?? 0,
          participant?.last_read_at ?? null,
        )
      counts.conversations++
    }

    // -- messages -----------------------------------------------------------------------------
    const messageColumns = shared(db, 'messages', ['seq', 'author_id', 'status', 'hold_reason', 'error'])
    const unsent = "('held','queued','sending')"
    const inserted = statements(db)
      .prepare(
        `INSERT OR IGNORE INTO main.messages (author_id, status, hold_reason, error, ${messageColumns.join(', ')})
         SELECT CASE WHEN direction = 'out' AND author_id IS NOT NULL THEN @userId ELSE author_id END,
                CASE WHEN status IN ${unsent} THEN 'failed' ELSE status END,
                CASE WHEN status IN ${unsent} THEN NULL ELSE hold_reason END,
                CASE WHEN status IN ${unsent} THEN 'Not sent before the move to the team server; try again if it is still needed' ELSE error END,
                ${messageColumns.join(', ')}
         FROM solo.messages ORDER BY seq`,
      )
      .run({ userId })
    counts.messages = inserted.changes
    statements(db)
      .prepare(
        `UPDATE main.conversations SET last_message_seq = (SELECT MAX(m.seq) FROM main.messages m WHERE m.conversation_id = conversations.id)
       WHERE id IN (SELECT id FROM solo.conversations)`,
      )
      .run()

    // -- the consent ledger --------------------------------------------------------------------
    const ledger = importLedger(db, mapped, contactMap)
    counts.consentEvents = ledger?.serverSeqs.length ?? 0
    if (Object.values(counts).some((n) => n > 0)) {
      appendAudit(db, { at: now, actorId: userId, action: 'import.solo', detail: { counts, ledger: ledger ?? null } })
    }
    return { ...counts, ...(ledger ? { ledger } : {}) }
  })()
}

function importLedger(db: Db, mapped: (id: string) => string, contactMap: Map<string, string>): LedgerImportRecord | undefined {
  const genesis = statements(db).prepare('SELECT hash FROM solo.consents ORDER BY seq LIMIT 1').pluck().get() as string | undefined
  if (!genesis) return undefined
  const key = `import_ledger:${genesis}`
  const done = Number(getState(db, key) ?? 0)
  const rows = statements(db).prepare('SELECT * FROM solo.consents WHERE seq > ? ORDER BY seq').all(done) as Array<Record<string, unknown>>
  if (rows.length === 0) return undefined
  const prevHash = (statements(db).prepare('SELECT hash FROM solo.consents WHERE seq = ?').pluck().get(done) as string | undefined) ?? ''
  const serverSeqs: number[] = []
  for (const row of rows) {
    const values: Record<string, unknown> = {}
    for (const column of CONSENT_COLUMNS) values[column] = row[column]
    values.contact_id = mapped(row.contact_id as string)
    serverSeqs.push(appendLedgerRow(db, 'consents', values))
  }
  const toSeq = rows.at(-1)!.seq as number
  setState(db, key, String(toSeq))
  const differing = Object.fromEntries([...contactMap].filter(([from, to]) => from !== to))
  return { genesis, fromSeq: done + 1, toSeq, serverSeqs, prevHash, headHash: rows.at(-1)!.hash as string, contactMap: differing }
}

/**
 * Recomputes the solo ledger's chain from the server's copies of its rows: true when their
 * content, in order, hashes to the solo file's own head (nothing was dropped, changed or reordered
 * on the way in, and the server's rows are still those).
 */
export function verifyImportedLedger(db: Db, record: LedgerImportRecord): boolean {
  const back = new Map(Object.entries(record.contactMap).map(([solo, server]) => [server, solo]))
  let prevHash = record.prevHash
  let soloSeq = record.fromSeq
  for (const serverSeq of record.serverSeqs) {
    const row = statements(db).prepare('SELECT * FROM main.consents WHERE seq = ?').get(serverSeq) as Record<string, unknown> | undefined
    if (!row) return false
    const solo: Record<string, unknown> = { ...row, seq: soloSeq, contact_id: back.get(row.contact_id as string) ?? row.contact_id }
    prevHash = rowHash('consents', solo, prevHash)
    soloSeq++
  }
  return soloSeq === record.toSeq + 1 && prevHash === record.headHash
}
