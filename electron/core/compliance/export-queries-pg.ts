import type { PgQueryable } from '../db/pg/pool'
import { readableConversationIds } from '../db/pg/repositories/readable'
import {
  EXPORT_BATCH,
  rangeOf,
  ScopeRows,
  type AuditExportRow,
  type ConsentExportRow,
  type ExportMessageRow,
  type ExportQueries,
  type ExportScope,
  type ParticipantSpan,
  type ScopeConversation,
} from './export-queries'

/**
 * The PostgreSQL read side of an export (export-queries.ts has the SQLite one): the same rows in
 * the same order, read in a snapshot transaction (store.snapshot), big row sets through cursors.
 */
export function createPgExportQueries(db: PgQueryable, scope: ExportScope): ExportQueries {
  const range = rangeOf(scope)
  const rows = new ScopeRows(scope)
  let cursors = 0

  /**
   * Rows of `sql` (those `keep` accepts) a batch per round trip, through a cursor of the snapshot's
   * transaction: memory stays flat whatever the history's size.
   */
  async function* cursor<T>(sql: string, params: unknown[], keep: (row: T) => boolean = () => true): AsyncGenerator<T[]> {
    const name = `greenline_export_${++cursors}`
    await db.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params)
    try {
      for (;;) {
        const { rows: fetched } = await db.query(`FETCH ${EXPORT_BATCH} FROM ${name}`)
        const batch = (fetched as T[]).filter(keep)
        if (batch.length > 0) yield batch
        if (fetched.length < EXPORT_BATCH) return
      }
    } finally {
      await db.query(`CLOSE ${name}`)
    }
  }

  return {
    async conversations() {
      const { rows: found } = await db.query<ScopeConversation>(
        `SELECT c.id, c.channel, c.contact_id AS "contactId", ct.name AS "contactName", ct.phone AS "contactPhone",
                (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.created_at >= $4 AND m.created_at < $5) AS "messageCount"
         FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
         WHERE ($1::text IS NULL OR c.id = $1)
           AND ($2::text IS NULL OR c.contact_id = $2)
           AND ($3::text IS NULL OR c.id IN (${readableConversationIds('$3')}))
         ORDER BY c.created_at, c.id`,
        [scope.conversationId ?? null, scope.contactId ?? null, scope.userId ?? null, range.from, range.to],
      )
      rows.know(found)
      return found
    },

    async participants(conversationId) {
      const { rows: spans } = await db.query<ParticipantSpan>(
        `SELECT p.user_id, COALESCE(u.name, p.user_id) AS name, p.joined_at, p.left_at
         FROM participants p LEFT JOIN org_users u ON u.id = p.user_id
         WHERE p.conversation_id = $1 ORDER BY p.seq`,
        [conversationId],
      )
      return spans
    },

    messages(conversationId) {
      return cursor<ExportMessageRow>(
        `SELECT m.seq, m.id, m.direction, m.author_id, u.name AS author_name, m.kind, m.body, m.media_id,
                md.mime_type AS media_mime, md.size AS media_size, m.extra, m.status, m.hold_reason, m.error, m.error_code,
                m.provider_id, m.reply_to_provider_id, m.created_at, m.updated_at, m.sent_at, m.delivered_at, m.read_at, m.failed_at
         FROM messages m
         LEFT JOIN org_users u ON u.id = m.author_id
         LEFT JOIN media md ON md.id = m.media_id
         WHERE m.conversation_id = $1 AND m.created_at >= $2 AND m.created_at < $3
         ORDER BY m.created_at, m.seq`,
        [conversationId, range.from, range.to],
      )
    },

    consents() {
      return cursor<ConsentExportRow>('SELECT * FROM consents WHERE at < $1 ORDER BY seq', [range.to], (row) => rows.consent(row))
    },

    audit() {
      const sql = 'SELECT * FROM audit_log WHERE at >= $1 AND at < $2 ORDER BY seq'
      return cursor<AuditExportRow>(sql, [range.from, range.to], (row) => rows.audit(row))
    },
  }
}
