import type { Db } from '../open'
import { statements } from '../statements'

export interface WebhookEventRow {
  seq: number
  received_at: number
  source: string
  body_sha256: string
  body: string
  state: 'pending' | 'processed' | 'rejected' | 'failed'
  error: string | null
}

/**
 * Stores a delivery raw, before anything else happens to it (there is no API to fetch it again),
 * and returns its sequence number. A delivery to process (`pending`) is stored once: when the same
 * bytes from the same source are stored already (Meta retrying, or someone replaying a captured
 * delivery), nothing is added and the first one's number is returned, in one statement so no two
 * callers can both add it. Refused deliveries (`rejected`) are all kept, for the audit.
 */
export function storeWebhookEvent(
  db: Db,
  event: { receivedAt: number; source: string; bodySha256: string; body: string; state: 'pending' | 'rejected'; error?: string },
): number {
  const row = { ...event, error: event.error ?? null }
  if (event.state === 'rejected') {
    return Number(
      statements(db)
        .prepare(
          'INSERT INTO webhook_events (received_at, source, body_sha256, body, state, error) VALUES (@receivedAt, @source, @bodySha256, @body, @state, @error)',
        )
        .run(row).lastInsertRowid,
    )
  }
  const inserted = statements(db)
    .prepare(
      `INSERT INTO webhook_events (received_at, source, body_sha256, body, state, error)
       SELECT @receivedAt, @source, @bodySha256, @body, @state, @error
       WHERE NOT EXISTS (SELECT 1 FROM webhook_events WHERE body_sha256 = @bodySha256 AND source = @source AND state != 'rejected')`,
    )
    .run(row)
  if (inserted.changes === 1) return Number(inserted.lastInsertRowid)
  const first = statements(db)
    .prepare(`SELECT seq FROM webhook_events WHERE body_sha256 = ? AND source = ? AND state != 'rejected' ORDER BY seq LIMIT 1`)
    .get(event.bodySha256, event.source) as { seq: number }
  return first.seq
}

/** A delivery with exactly these bytes was stored already (a retry or a replay of it). */
export function hasWebhookEvent(db: Db, source: string, bodySha256: string): boolean {
  return !!statements(db)
    .prepare(`SELECT 1 FROM webhook_events WHERE body_sha256 = ? AND source = ? AND state != 'rejected' LIMIT 1`)
    .get(bodySha256, source)
}

export function markWebhookEvent(db: Db, seq: number, state: 'processed' | 'failed', error?: string): void {
  statements(db)
    .prepare('UPDATE webhook_events SET state = ?, error = ? WHERE seq = ?')
    .run(state, error ?? null, seq)
}

/** Deliveries from `source` stored but not applied yet; each intake replays only its own. */
export function pendingWebhookEvents(db: Db, source: string, limit = 100): WebhookEventRow[] {
  return statements(db)
    .prepare(`SELECT * FROM webhook_events WHERE state = 'pending' AND source = ? ORDER BY seq LIMIT ?`)
    .all(source, limit) as WebhookEventRow[]
}
