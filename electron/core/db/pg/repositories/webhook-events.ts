import type { WebhookEventRow } from '../../repositories/webhook-events'
import type { PgQueryable } from '../pool'

// PostgreSQL twin of ../../repositories/webhook-events.ts. A delivery to process is stored once
// per source and bytes by the unique index of migration 0030, so two instances receiving the same
// retry at once both get the first one's number.

export async function storeWebhookEvent(
  db: PgQueryable,
  event: { receivedAt: number; source: string; bodySha256: string; body: string; state: 'pending' | 'rejected'; error?: string },
): Promise<number> {
  const values = [event.receivedAt, event.source, event.bodySha256, event.body, event.state, event.error ?? null]
  if (event.state === 'rejected') {
    const { rows } = await db.query<{ seq: number }>(
      'INSERT INTO webhook_events (received_at, source, body_sha256, body, state, error) VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq',
      values,
    )
    return rows[0].seq
  }
  const inserted = await db.query<{ seq: number }>(
    `INSERT INTO webhook_events (received_at, source, body_sha256, body, state, error) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (source, body_sha256) WHERE state <> 'rejected' DO NOTHING RETURNING seq`,
    values,
  )
  if (inserted.rows[0]) return inserted.rows[0].seq
  const { rows } = await db.query<{ seq: number }>(
    `SELECT seq FROM webhook_events WHERE body_sha256 = $1 AND source = $2 AND state <> 'rejected' ORDER BY seq LIMIT 1`,
    [event.bodySha256, event.source],
  )
  return rows[0].seq
}

/** A delivery with exactly these bytes was stored already (a retry or a replay of it). */
export async function hasWebhookEvent(db: PgQueryable, source: string, bodySha256: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM webhook_events WHERE body_sha256 = $1 AND source = $2 AND state <> 'rejected' LIMIT 1`,
    [bodySha256, source],
  )
  return (rowCount ?? 0) > 0
}

export async function markWebhookEvent(db: PgQueryable, seq: number, state: 'processed' | 'failed', error?: string): Promise<void> {
  await db.query('UPDATE webhook_events SET state = $1, error = $2 WHERE seq = $3', [state, error ?? null, seq])
}

/** Deliveries from `source` stored but not applied yet; each intake replays only its own. */
export async function pendingWebhookEvents(db: PgQueryable, source: string, limit = 100): Promise<WebhookEventRow[]> {
  const { rows } = await db.query<WebhookEventRow>(
    `SELECT * FROM webhook_events WHERE state = 'pending' AND source = $1 ORDER BY seq LIMIT $2`,
    [source, limit],
  )
  return rows
}
