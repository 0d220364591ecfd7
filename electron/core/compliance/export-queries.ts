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

/** Rows in batches: a bounded array at a time, so a reader awaits once per batch, not per row. */
export type Batches<T> = Iterable<T[]> | AsyncIterable<T[]>

/**
 * The read side of an export, in each dialect (SQLite here, PostgreSQL in export-queries-pg.ts).
 * Row sets are iterated in batches, never loaded whole (except the thread list); `conversations()`
 * is read first, and decides which consent and audit rows are in scope.
 */
export interface ExportQueries {
  /** Threads in scope with how many of their messages fall in the range (a list of ids, not of messages). */
  conversations(): ScopeConversation[] | Promise<ScopeConversation[]>
  participants(conversationId: string): ParticipantSpan[] | Promise<ParticipantSpan[]>
  messages(conversationId: string): Batches<ExportMessageRow>
  /** The whole consent history (until `to`) of every contact in scope: consent given before the range still matters. */
  consents(): Batches<ConsentExportRow>
  /** Audit rows in the range: all of them for an unscoped export, else those about the threads or contacts in scope. */
  audit(): Batches<AuditExportRow>
}

/** How many rows a batch holds. */
export const EXPORT_BATCH = 1000

/** Groups `rows` (optionally only those `keep` accepts) into batches of EXPORT_BATCH. */
export function* inBatches<T>(rows: Iterable<T>, keep: (row: T) => boolean = () => true): Generator<T[]> {
  let batch: T[] = []
  for (const row of rows) {
    if (!keep(row)) continue
    batch.push(row)
    if (batch.length === EXPORT_BATCH) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

const MIN = -8.64e15
const MAX = 8.64e15

/** The scope's time range with open ends filled in. */
export const rangeOf = (scope: ExportScope) => ({ from: scope.from ?? MIN, to: scope.to ?? MAX })

/** Which consent and audit rows belong to an export, once its threads are known. */
export class ScopeRows {
  private contactIds: Set<string> | undefined
  private conversationIds: Set<string> | undefined
  private readonly scoped: boolean

  constructor(scope: ExportScope) {
    this.scoped = Boolean(scope.userId || scope.contactId || scope.conversationId)
  }

  know(conversations: readonly ScopeConversation[]): void {
    this.contactIds = new Set(conversations.map((c) => c.contactId))
    this.conversationIds = new Set(conversations.map((c) => c.id))
  }

  consent(row: ConsentExportRow): boolean {
    return !this.scoped || !!this.contactIds?.has(row.contact_id)
  }

  audit(row: AuditExportRow): boolean {
    if (!this.scoped) return true
    if (row.conversation_id !== null) return !!this.conversationIds?.has(row.conversation_id)
    return aboutContact(row.detail ?? '', this.contactIds)
  }
}

/** The SQLite read side of an export. */
export function createExportQueries(db: Db, scope: ExportScope): ExportQueries {
  const range = rangeOf(scope)
  const rows = new ScopeRows(scope)
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

  return {
    conversations(): ScopeConversation[] {
      const found = statements(db)
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
      const list = found.map((row) => ({ ...row, messageCount: countMessages.get(row.id, range.from, range.to) as number }))
      rows.know(list)
      return list
    },

    participants(conversationId: string): ParticipantSpan[] {
      return participants.all(conversationId) as ParticipantSpan[]
    },

    messages(conversationId: string) {
      return inBatches(messages.iterate(conversationId, range.from, range.to) as IterableIterator<ExportMessageRow>)
    },

    consents() {
      const all = statements(db).prepare('SELECT * FROM consents WHERE at < ? ORDER BY seq').iterate(range.to)
      return inBatches(all as IterableIterator<ConsentExportRow>, (row) => rows.consent(row))
    },

    audit() {
      const all = statements(db).prepare('SELECT * FROM audit_log WHERE at >= ? AND at < ? ORDER BY seq').iterate(range.from, range.to)
      return inBatches(all as IterableIterator<AuditExportRow>, (row) => rows.audit(row))
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
