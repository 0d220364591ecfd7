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

/** Stores a delivery raw, before anything else happens to it (there is no API to fetch it again). */
export function storeWebhookEvent(
  db: Db,
  event: { receivedAt: number; source: string; bodySha256: string; body: string; state: 'pending' | 'rejected'; error?: string },
): number {
  return Number(
    statements(db)
      .prepare(
        'INSERT INTO webhook_events (received_at, source, body_sha256, body, state, error) VALUES (@receivedAt, @source, @bodySha256, @body, @state, @error)',
      )
      .run({ ...event, error: event.error ?? null }).lastInsertRowid,
  )
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

export function pendingWebhookEvents(db: Db, limit = 100): WebhookEventRow[] {
  return statements(db).prepare(`SELECT * FROM webhook_events WHERE state = 'pending' ORDER BY seq LIMIT ?`).all(limit) as WebhookEventRow[]
}
