import { describe, expect, it } from 'vitest'
import { openMemoryDatabase } from '../../electron/core/db/open'
import { createSqliteStore } from '../../electron/core/db/store'
import { checkReadiness } from '../../electron/server/readiness'

// GET /readyz's answer (the route itself is exercised in team-server and tokens-and-readiness).
describe('readiness', () => {
  const sqlite = (db: ReturnType<typeof openMemoryDatabase>) => () => createSqliteStore(db).ping()

  it('is ready while the database answers a trivial query and the connector is usable', async () => {
    const db = openMemoryDatabase()
    expect(await checkReadiness({ database: sqlite(db), connector: async () => true })).toEqual({
      status: 200,
      body: { ready: true, database: true, connector: true },
    })
    db.close()
  })

  it('answers 503 with the reason when the database does not answer', async () => {
    const db = openMemoryDatabase()
    db.close()
    expect(await checkReadiness({ database: sqlite(db), connector: async () => true })).toEqual({
      status: 503,
      body: { ready: false, database: false, connector: true, reason: 'database: the database is closed' },
    })
    const unreachable = await checkReadiness({
      database: async () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432')),
      connector: async () => Promise.reject(new Error('sandbox gone')),
    })
    expect(unreachable.status).toBe(503)
    expect(unreachable.body.reason).toMatch(/^database: connect ECONNREFUSED 10\.0\.0\.5:5432; connector: /)
  })
})
