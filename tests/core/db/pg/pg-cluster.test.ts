import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { findPgBinDir, PgUnavailable, usePgCluster } from '../../../helpers/pg-cluster'

describe('the throwaway PostgreSQL cluster of the tests', () => {
  const cluster = usePgCluster()

  it('answers on loopback, gives each caller its own database, and has unaccent and pg_trgm', async () => {
    const [a, b] = [await cluster().createDatabase(), await cluster().createDatabase()]
    expect(a).not.toBe(b)
    const client = new pg.Client({ connectionString: a })
    await client.connect()
    try {
      const version = await client.query<{ server_version_num: string }>('SHOW server_version_num')
      expect(Number(version.rows[0]?.server_version_num)).toBeGreaterThanOrEqual(150000)
      const available = await client.query<{ name: string }>(
        `SELECT name FROM pg_available_extensions WHERE name IN ('unaccent', 'pg_trgm') ORDER BY name`,
      )
      expect(available.rows.map((r) => r.name)).toEqual(['pg_trgm', 'unaccent'])
    } finally {
      await client.end()
    }
  })

  it('fails with what is missing and how to install it when PostgreSQL is not there, instead of skipping', () => {
    const nowhere = { pgConfig: '/nonexistent/pg_config', root: '/nonexistent/postgresql' }
    expect(() => findPgBinDir({ GREENLINE_PG_BINDIR: '/nonexistent/bin' }, nowhere)).toThrow(PgUnavailable)
    expect(() => findPgBinDir({}, nowhere)).toThrow(/no initdb found.*apt-get install postgresql/)
    expect(findPgBinDir({})).toMatch(/bin$/)
  })
})
