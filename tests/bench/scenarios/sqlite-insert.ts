import Database from 'better-sqlite3'
import { join } from 'node:path'
import { median } from '../stats'
import { mulberry32, timeOrderedIds, vocabulary, ZipfText } from '../support/data'
import type { Scenario } from '../support/types'

/**
 * The physical baseline (TOOLCHAIN.md §6 (a)): raw better-sqlite3, 1,000 rows per transaction,
 * WAL + synchronous=NORMAL, the §6 messages-like table with UNIQUE(id) and (conversation_id, ts),
 * no FTS. Ids are time-ordered like the engine's (§6's variant row), so webhook ingest is compared
 * with like. Row data are generated before the clock starts; every run uses a fresh file.
 */
export const sqliteInsert: Scenario = {
  id: 'sqlite',
  figures: ['sqlite_insert_rows_per_s'],
  async run(ctx) {
    const rows = ctx.quick ? 50_000 : 200_000
    const runs = 3
    const random = mulberry32(5)
    const text = new ZipfText(vocabulary(), random)
    const ids = timeOrderedIds('m_', random)
    const t0 = Date.now() - rows * 1000
    const data = Array.from({ length: rows }, (_, i) => {
      const at = t0 + i * 1000
      return [ids(at), Math.floor(random() * 1000), at, random() < 0.5 ? 'in' : 'out', text.body(), 'received'] as const
    })
    const rates: number[] = []
    for (let run = 0; run < runs; run++) {
      const db = new Database(join(ctx.freshDir(`sqlite-${run}`), 'bench.db'))
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      db.exec(`CREATE TABLE messages (id TEXT NOT NULL UNIQUE, conversation_id INTEGER, ts INTEGER, direction TEXT, body TEXT, status TEXT);
               CREATE INDEX idx_messages_conv_ts ON messages(conversation_id, ts);`)
      const insert = db.prepare('INSERT INTO messages (id, conversation_id, ts, direction, body, status) VALUES (?, ?, ?, ?, ?, ?)')
      const batch = db.transaction((from: number) => {
        for (let i = from; i < Math.min(rows, from + 1000); i++) insert.run(...data[i])
      })
      const start = performance.now()
      for (let from = 0; from < rows; from += 1000) batch(from)
      const seconds = (performance.now() - start) / 1000
      db.close()
      rates.push(rows / seconds)
      ctx.log(`  run ${run + 1}: ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`)
    }
    return [
      {
        name: 'sqlite_insert_rows_per_s',
        value: median(rates),
        unit: 'rows/s',
        runs,
        note: `${rows.toLocaleString('en-US')} rows × ${runs} runs, 1000 rows/txn, WAL+NORMAL, TOOLCHAIN §6 table, time-ordered ids, no FTS (TOOLCHAIN: 32,400/s time-ordered, 12,100/s random UUIDs over 1M rows); runs ${rates.map((r) => Math.round(r)).join(' / ')}`,
      },
    ]
  },
}
