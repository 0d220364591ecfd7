/**
 * A PostgreSQL schema step. Versions follow the SQLite migrations' numbering (steps of 10) and
 * are recorded in `greenline_schema_migrations`. Never edit a published one.
 */
export interface PgMigration {
  version: number
  name: string
  /** Run in one transaction with the version's row. */
  sql: string
}
