import { openDatabase } from '../../../electron/core/db/open'
import { getMedia, upsertMedia } from '../../../electron/core/db/repositories/media'
import { createSqliteStore } from '../../../electron/core/db/store'
import { median } from '../stats'
import type { Scenario } from '../support/types'

/**
 * What the async storage seam costs the desktop's SQLite path (issue 15: its speed must not
 * regress). The same work, alternating in one process on one database: units of one transaction
 * with two reads and two writes (the shape of a small webhook delivery), once through the
 * repositories directly (`db.transaction`, synchronous) and once through the store
 * (`store.transaction(async tx => …)`, every call awaited). The ratio is store ÷ direct time.
 */
export const storeOverhead: Scenario = {
  id: 'store',
  figures: ['store_sqlite_overhead_ratio'],
  async run(ctx) {
    const units = ctx.quick ? 5_000 : 20_000
    const runs = 5
    const db = openDatabase(ctx.freshDir('store'))
    const store = createSqliteStore(db)
    const picture = (id: string, now: number) => ({ id, mimeType: 'image/jpeg', size: 1000, width: 10, height: 10, now })
    let serial = 0
    const direct = db.transaction((n: number) => {
      getMedia(db, `seen-${n % 100}`)
      upsertMedia(db, picture(`d-${n}`, n))
      getMedia(db, `d-${n}`)
      upsertMedia(db, picture(`seen-${n % 100}`, n))
    })
    const timeDirect = () => {
      const start = performance.now()
      for (let i = 0; i < units; i++) direct(serial++)
      return performance.now() - start
    }
    const timeStore = async () => {
      const start = performance.now()
      for (let i = 0; i < units; i++) {
        const n = serial++
        await store.transaction(async (tx) => {
          await tx.media.getMedia(`seen-${n % 100}`)
          await tx.media.upsertMedia(picture(`s-${n}`, n))
          await tx.media.getMedia(`s-${n}`)
          await tx.media.upsertMedia(picture(`seen-${n % 100}`, n))
        })
      }
      return performance.now() - start
    }
    const directMs: number[] = []
    const storeMs: number[] = []
    for (let run = 0; run < runs; run++) {
      directMs.push(timeDirect())
      storeMs.push(await timeStore())
      ctx.log(`  run ${run + 1}: direct ${directMs[run].toFixed(0)} ms, store ${storeMs[run].toFixed(0)} ms`)
    }
    db.close()
    const perUnit = (ms: number[]) => (median(ms) * 1000) / units
    const ratio = median(storeMs) / median(directMs)
    return [
      {
        name: 'store_sqlite_overhead_ratio',
        value: ratio,
        unit: '×',
        runs,
        note: `${units.toLocaleString('en-US')} transactions of 2 reads + 2 writes, alternating: direct ${perUnit(directMs).toFixed(1)} µs, through the store ${perUnit(storeMs).toFixed(1)} µs each`,
      },
      { name: 'store_sqlite_overhead_ratio_product', value: perUnit(storeMs), unit: 'µs/txn', runs },
      { name: 'store_sqlite_overhead_ratio_baseline', value: perUnit(directMs), unit: 'µs/txn', runs },
    ]
  },
}
