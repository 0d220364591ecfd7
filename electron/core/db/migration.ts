import type Database from 'better-sqlite3'

export interface Migration {
  /** Steps of 10, strictly increasing; stored in PRAGMA user_version. Never edit a published one. */
  version: number
  name: string
  up: (db: Database.Database) => void
}
