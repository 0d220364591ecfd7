import type { Db } from '../db/open'
import { statements } from '../db/statements'
import { readableBy } from '../db/repositories/conversations'

/** What to export; `from` is inclusive and `to` exclusive (epoch ms). */
export interface ExportScope {
  /** Only threads this user can read (current participant, or a past one of an ended thread). */
  userId?: string
  contactId?: string
  conversationId?: string
  from?: number
  to?: number
}

export interface ScopeConversation {
  id: string
  channel: string
  contactId: string
  contactName: string
  contactPhone: string | null
  messageCount: number
}

export interface ExportMessageRow {
  seq: number
  id: string
  direction: string
  author_id: string | null
  author_name: string | null
  kind: string
  body: string | null
  media_id: string | null
  media_mime: string | null
  media_size: number | null
  extra: string | null
  status: string
  hold_reason: string | null
  error: string | null
  error_code: number | null
  provider_id: string | null
  reply_to_provider_id: string | null
  created_at: number
  updated_at: number
  sent_at: number | null
  delivered_at: number | null
  read_at: number | null
  failed_at: number | null
}

export interface ParticipantSpan {
  user_id: string
  name: string
  joined_at: number
  left_at: number | null
}

interface ChainColumns {
  seq: number
  at: number
  detail: string | null
  prev_hash: string | null
  hash: string | null
}

export interface ConsentExportRow extends ChainColumns {
  contact_id: string
  state: string
  event: string
  by_user_id: string | null
  evidence_message_id: string | null
}

export interface AuditExportRow extends ChainColumns {
  actor_id: string | null
  action: string
  conversation_id: string | null
}

const MIN = -8.64e15
const MAX = 8.64e15

/** The read side of an export. Row sets are iterated, never loaded whole (except the thread list). */
export function createExportQueries(db: Db, scope: ExportScope) {
  const range = { from: scope.from ?? MIN, to: scope.to ?? MAX }
  const scoped = Boolean(scope.userId || scope.contactId || scope.conversationId)
  const countMessages = statements(db)
    .prepare('SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND created_at >= ? AND created_at < ?')
    .pluck()
  const messages = statements(db).prepare(`
    SELECT m.seq, m.id, m.direction, m.author_id, u.name AS author_name, m.kind, m.body, m.media_id,
           md.mime_type AS media_mime, md.size AS media_size, m.extra, m.status, m.hold_reason, m.error, m.error_code,
           m.provider_id, m.reply_to_provider_id, m.created_at, m.updated_at, m.sent_at, m.delivered_at, m.read_at, m.failed_at
    FROM messages m
    LEFT JOIN org_users u ON u.id = m.author_id
    LEFT JOIN media md ON md.id = m.media_id
    WHERE m.conversation_id = ? AND m.created_at >= ? AND m.created_at < ?
    ORDER BY m.created_at, m.seq`)
  const participants = statements(db).prepare(`
    SELECT p.user_id, COALESCE(u.name, p.user_id) AS name, p.joined_at, p.left_at
    FROM participants p LEFT JOIN org_users u ON u.id = p.user_id
    WHERE p.conversation_id = ? ORDER BY p.seq`)

  let contactIds: Set<string> | undefined
  let conversationIds: Set<string> | undefined

  return {
    /** Threads in scope with how many of their messages fall in the range (a list of ids, not of messages). */
    conversations(): ScopeConversation[] {
      const rows = statements(db)
        .prepare(
          `SELECT c.id, c.channel, c.contact_id AS contactId, ct.name AS contactName, ct.phone AS contactPhone
           FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
           WHERE (@conversationId IS NULL OR c.id = @conversationId)
             AND (@contactId IS NULL OR c.contact_id = @contactId)
             AND (@userId IS NULL OR ${readableBy('c.id', 'c.ended_at')})
           ORDER BY c.created_at, c.id`,
        )
        .all({ conversationId: scope.conversationId ?? null, contactId: scope.contactId ?? null, userId: scope.userId ?? null }) as Omit<
        ScopeConversation,
        'messageCount'
      >[]
      const list = rows.map((row) => ({ ...row, messageCount: countMessages.get(row.id, range.from, range.to) as number }))
      contactIds = new Set(list.map((c) => c.contactId))
      conversationIds = new Set(list.map((c) => c.id))
      return list
    },

    participants(conversationId: string): ParticipantSpan[] {
      return participants.all(conversationId) as ParticipantSpan[]
    },

    messages(conversationId: string): IterableIterator<ExportMessageRow> {
      return messages.iterate(conversationId, range.from, range.to) as IterableIterator<ExportMessageRow>
    },

    /** The whole consent history (until `to`) of every contact in scope: consent given before the range still matters. */
    *consents(): Generator<ConsentExportRow> {
      const rows = statements(db)
        .prepare('SELECT * FROM consents WHERE at < ? ORDER BY seq')
        .iterate(range.to) as IterableIterator<ConsentExportRow>
      for (const row of rows) if (!scoped || contactIds?.has(row.contact_id)) yield row
    },

    /** Audit rows in the range: all of them for an unscoped export, else those about the threads or contacts in scope. */
    *audit(): Generator<AuditExportRow> {
      const rows = statements(db)
        .prepare('SELECT * FROM audit_log WHERE at >= ? AND at < ? ORDER BY seq')
        .iterate(range.from, range.to) as IterableIterator<AuditExportRow>
      for (const row of rows) {
        if (!scoped) yield row
        else if (row.conversation_id !== null) {
          if (conversationIds?.has(row.conversation_id)) yield row
        } else if (aboutContact(row.detail ?? '', contactIds)) yield row
      }
    },
  }
}

function aboutContact(detail: string, contactIds: Set<string> | undefined): boolean {
  if (!contactIds?.size || !detail.includes('contactId')) return false
  try {
    const parsed = JSON.parse(detail) as { contactId?: unknown }
    return typeof parsed.contactId === 'string' && contactIds.has(parsed.contactId)
  } catch {
    return false
  }
}
