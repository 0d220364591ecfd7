import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Db } from '../../../electron/core/db/open'
import { openMemoryDatabase } from '../../../electron/core/db/open'
import { insertContact } from '../../../electron/core/db/repositories/contacts'
import { STATEMENT_CACHE_LIMIT, statements } from '../../../electron/core/db/statements'

let db: Db
beforeEach(() => {
  db = openMemoryDatabase()
})
afterEach(() => db.close())

describe('statements(db).prepare', () => {
  it('compiles each SQL text once per connection and hands back the same statement', () => {
    const prepare = vi.spyOn(db, 'prepare')
    const first = statements(db).prepare('SELECT 1 AS one')
    const again = statements(db).prepare('SELECT 1 AS one')
    expect(again).toBe(first)
    expect(prepare).toHaveBeenCalledTimes(1)
    expect(statements(db).prepare('SELECT 2 AS two')).not.toBe(first)
  })

  it('keeps one cache per connection', () => {
    const other = openMemoryDatabase()
    try {
      expect(statements(other)).not.toBe(statements(db))
      expect(statements(other).prepare('SELECT 1')).not.toBe(statements(db).prepare('SELECT 1'))
      expect(statements(db)).toBe(statements(db))
    } finally {
      other.close()
    }
  })

  it('gives a fresh statement while the cached one is still being iterated', () => {
    insertContact(db, { id: 'c1', name: 'Ana', now: 1 })
    insertContact(db, { id: 'c2', name: 'Ben', now: 1 })
    const sql = 'SELECT id FROM contacts ORDER BY id'
    const outer = statements(db).prepare(sql)
    const seen: string[] = []
    for (const row of outer.iterate() as Iterable<{ id: string }>) {
      const inner = statements(db).prepare(sql)
      expect(inner).not.toBe(outer)
      seen.push(`${row.id}:${(inner.all() as Array<{ id: string }>).length}`)
    }
    expect(seen).toEqual(['c1:2', 'c2:2'])
    expect(statements(db).prepare(sql)).toBe(outer)
  })

  it('hands a reused reader back in plain row mode after someone plucked or raw-read it', () => {
    const sql = 'SELECT 7 AS seven, 8 AS eight'
    expect(statements(db).prepare(sql).pluck().get()).toBe(7)
    expect(statements(db).prepare(sql).get()).toEqual({ seven: 7, eight: 8 })
    expect(statements(db).prepare(sql).raw().get()).toEqual([7, 8])
    expect(statements(db).prepare(sql).get()).toEqual({ seven: 7, eight: 8 })
  })

  it('throws on invalid SQL and caches nothing', () => {
    const before = statements(db).size
    expect(() => statements(db).prepare('SELEC nothing')).toThrow()
    expect(statements(db).size).toBe(before)
  })

  it('stops caching at its limit, still answering every call', () => {
    const cache = statements(db)
    for (let i = cache.size; i < STATEMENT_CACHE_LIMIT; i++) cache.prepare(`SELECT ${i}`)
    expect(cache.size).toBe(STATEMENT_CACHE_LIMIT)
    const beyond = cache.prepare('SELECT -1 AS n')
    expect(beyond.get()).toEqual({ n: -1 })
    expect(cache.prepare('SELECT -1 AS n')).not.toBe(beyond)
    expect(cache.size).toBe(STATEMENT_CACHE_LIMIT)
  })

  it('is how every repository prepares its SQL (a bare db.prepare would compile on every call)', () => {
    const dir = join(__dirname, '../../../electron/core/db/repositories')
    const bare = readdirSync(dir)
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) =>
        [...readFileSync(join(dir, name), 'utf8').matchAll(/(\S+)\s*\.prepare\(/g)]
          .filter((m) => !m[1].endsWith('statements(db)'))
          .map((m) => `${name}: ${m[0]}`),
      )
    expect(bare).toEqual([])
  })
})
