import type { PgMigration } from '../migration'

/**
 * A delivery to process is stored once per source and body, even when two instances receive the
 * same retry at the same moment: SQLite has one writer, so its "insert where not exists" is enough
 * there; on PostgreSQL two transactions can both find nothing, so a unique index decides.
 * Refused deliveries are all kept (for the audit), so they are outside the index.
 */
export const pgMigration0030: PgMigration = {
  version: 30,
  name: 'webhook-once',
  sql: `
    CREATE UNIQUE INDEX webhook_events_once ON webhook_events (source, body_sha256) WHERE state <> 'rejected';
  `,
}
