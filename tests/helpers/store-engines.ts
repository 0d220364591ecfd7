import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterEach, beforeAll, beforeEach, describe } from 'vitest'
import { openDatabase, type Db } from '../../electron/core/db/open'
import { migratePg } from '../../electron/core/db/pg/migrate'
import { createPgPool } from '../../electron/core/db/pg/pool'
import { createPgStore } from '../../electron/core/db/pg/store'
import { createSqliteStore, type Store } from '../../electron/core/db/store'
import { usePgCluster } from './pg-cluster'

export type StoreEngine = 'sqlite' | 'postgres'

export interface StoreUnderTest {
  /** The store of the current test: a fresh, migrated, empty database. */
  store(): Store
  engine: StoreEngine
}

/**
 * The shared store suite: `body` declares its tests once and they run on both engines, each test
 * on a fresh migrated database (SQLite: a file in a temp dir; PostgreSQL: a copy of a database
 * migrated once per file, in a throwaway cluster). What passes on one engine must pass on the other.
 */
export function describeStores(title: string, body: (under: StoreUnderTest) => void): void {
  describe(`${title} (SQLite)`, () => {
    let dir = ''
    let db: Db | undefined
    let store: Store | undefined
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'greenline-store-'))
      db = openDatabase(dir)
      store = createSqliteStore(db)
    })
    afterEach(() => {
      db?.close()
      rmSync(dir, { recursive: true, force: true })
    })
    body({ engine: 'sqlite', store: () => store ?? fail() })
  })

  describe(`${title} (PostgreSQL)`, () => {
    const cluster = usePgCluster()
    let template = ''
    let pool: pg.Pool | undefined
    let store: Store | undefined
    beforeAll(async () => {
      const url = await cluster().createDatabase('store_template')
      const migrating = createPgPool(url, { max: 1 })
      try {
        await migratePg(migrating)
      } finally {
        await migrating.end()
      }
      template = new URL(url).pathname.slice(1)
    })
    beforeEach(async () => {
      pool = createPgPool(await cluster().createDatabase('store', { template }), { max: 4 })
      store = createPgStore(pool)
    })
    afterEach(async () => {
      await pool?.end()
    })
    body({ engine: 'postgres', store: () => store ?? fail() })
  })
}

function fail(): never {
  throw new Error('The store is made in beforeEach: call store() inside a test')
}

/** The SQLite connection of an engine that runs on SQLite (a server test's own file); throws for PostgreSQL. */
export function sqliteDbOf(engine: { store: Store }): Db {
  const db = (engine as { db?: Db }).db
  if (!db) throw new Error('this engine runs on PostgreSQL: it has no SQLite connection')
  return db
}
