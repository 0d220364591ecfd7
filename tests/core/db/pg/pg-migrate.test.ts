import type pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { DatabaseTooNewError } from '../../../../electron/core/db/migrate'
import { latestPgVersion, migratePg, pgSchemaVersion } from '../../../../electron/core/db/pg/migrate'
import { PG_MIGRATIONS } from '../../../../electron/core/db/pg/migrations'
import { createPgPool } from '../../../../electron/core/db/pg/pool'
import { HOLD_REASONS, MEDIA_STATES, MESSAGE_KINDS, MESSAGE_STATUSES } from '../../../../electron/shared/domain'
import { OUTBOX_KINDS } from '../../../../electron/core/db/repositories/outbox'
import { usePgCluster } from '../../../helpers/pg-cluster'

describe('PostgreSQL migrations', () => {
  const cluster = usePgCluster()
  const pools: pg.Pool[] = []
  const pool = (url: string) => {
    const created = createPgPool(url, { max: 2 })
    pools.push(created)
    return created
  }
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()))
  })

  it('migrate an empty database to the newest schema, and a second run changes nothing', async () => {
    const db = pool(await cluster().createDatabase())
    expect(await pgSchemaVersion(db)).toBe(0)
    expect(await migratePg(db)).toEqual({ from: 0, to: latestPgVersion(), applied: PG_MIGRATIONS.map((m) => m.version) })
    const tables = async () =>
      (
        await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)
      ).rows.map((r) => r.table_name)
    const before = await tables()
    expect(before).toEqual(
      expect.arrayContaining([
        'messages',
        'outbox',
        'conversations',
        'contacts',
        'change_log',
        'credentials',
        'account_health',
        'greenline_schema_migrations',
      ]),
    )
    expect(await migratePg(db)).toEqual({ from: latestPgVersion(), to: latestPgVersion(), applied: [] })
    expect(await tables()).toEqual(before)
    expect((await db.query('SELECT version FROM greenline_schema_migrations ORDER BY version')).rows).toEqual([
      { version: 10 },
      { version: 20 },
      { version: 30 },
      { version: 40 },
    ])
  })

  it('two instances migrating at once: one applies each step, the other waits and finds nothing to do', async () => {
    const url = await cluster().createDatabase()
    const [a, b] = await Promise.all([migratePg(pool(url)), migratePg(pool(url))])
    expect([a.applied, b.applied].sort((x, y) => y.length - x.length)).toEqual([PG_MIGRATIONS.map((m) => m.version), []])
    expect(Math.min(a.to, b.to)).toBe(latestPgVersion())
  })

  it('a failing migration rolls back whole, keeps the versions before it, and says which step failed', async () => {
    const db = pool(await cluster().createDatabase())
    const broken = [...PG_MIGRATIONS, { version: 990, name: 'broken', sql: 'CREATE TABLE half (x int); SELECT no_such_function()' }]
    await expect(migratePg(db, { migrations: broken })).rejects.toThrow(/migration 990 \(broken\) failed/)
    expect(await pgSchemaVersion(db)).toBe(latestPgVersion())
    expect((await db.query(`SELECT to_regclass('half') AS t`)).rows[0]).toEqual({ t: null })
    // The lock was released: the next run is not stuck behind it.
    expect((await migratePg(db)).applied).toEqual([])
  })

  it('refuses a database written by a newer Greenline, changing nothing', async () => {
    const db = pool(await cluster().createDatabase())
    await migratePg(db)
    await db.query(`INSERT INTO greenline_schema_migrations (version, name) VALUES (9990, 'from the future')`)
    await expect(migratePg(db)).rejects.toBeInstanceOf(DatabaseTooNewError)
  })

  it('keeps the enum CHECKs in step with the domain values, and times come back as numbers', async () => {
    const db = pool(await cluster().createDatabase())
    await migratePg(db)
    const checks = (
      await db.query<{ table: string; def: string }>(
        `SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'c'`,
      )
    ).rows
    const allowed = (table: string, column: string) => {
      const def =
        checks.find((c) => c.table === table && new RegExp(`\\(${column} = ANY|\\(\\(${column} = ANY|${column} IS NULL`).test(c.def))
          ?.def ?? ''
      return [...def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]).sort()
    }
    expect(allowed('messages', 'status')).toEqual([...MESSAGE_STATUSES].sort())
    expect(allowed('messages', 'kind')).toEqual([...MESSAGE_KINDS].sort())
    expect(allowed('messages', 'hold_reason')).toEqual([...HOLD_REASONS].sort())
    expect(allowed('messages', 'media_state')).toEqual([...MEDIA_STATES].sort())
    expect(allowed('outbox', 'kind')).toEqual([...OUTBOX_KINDS].sort())

    await db.query(`INSERT INTO contacts (id, name, created_at, updated_at) VALUES ('k1', 'Ana', 1764999999999, 1764999999999)`)
    expect((await db.query('SELECT created_at, (SELECT count(*) FROM change_log) AS changes FROM contacts')).rows).toEqual([
      { created_at: 1764999999999, changes: 1 },
    ])
    await expect(db.query(`UPDATE contacts SET language = 'EN'`)).rejects.toThrow(/contacts_language_check/)
  })
})
