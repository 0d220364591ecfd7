import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { inTransaction, type EngineContext } from '../../../electron/core/context'
import { openDatabase, type Db } from '../../../electron/core/db/open'
import { createSqliteStore } from '../../../electron/core/db/store'
import type { ChangeSink } from '../../../electron/core/services/change-feed'

let dir = ''
let db: Db | undefined
afterEach(() => {
  db?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A context whose announcements are recorded in order. */
function recordingContext(): { ctx: EngineContext; said: string[] } {
  dir = mkdtempSync(join(tmpdir(), 'greenline-in-tx-'))
  db = openDatabase(dir)
  const store = createSqliteStore(db)
  const said: string[] = []
  const changes: ChangeSink = {
    conversation: (id) => said.push(`conversation ${id}`),
    message: (id, conversationId) => said.push(`message ${id} in ${conversationId}`),
    removed: (conversationId, userId) => said.push(`removed ${userId} from ${conversationId}`),
    contact: (contact) => said.push(`contact ${contact.id}`),
  }
  const ctx = { store, root: store, changes, wakeOutbox: () => said.push('wake') } as unknown as EngineContext
  return { ctx, said }
}

// On PostgreSQL the scheduler and the change feed read on other connections: told before the
// commit, they found the old rows and went back to sleep (a message released by consent stayed
// queued). Announcements now wait for the commit, and a rolled-back change is never announced.
describe('inTransaction: what the work announces waits for the commit', () => {
  it('announces changes and wakes the outbox after the commit, in order, including a nested transaction’s', async () => {
    const { ctx, said } = recordingContext()
    await inTransaction(ctx, async (tx) => {
      tx.changes.message('m1', 'v1')
      tx.wakeOutbox()
      await inTransaction(tx, async (inner) => {
        inner.changes.removed('v1', 'sam')
      })
      expect(said).toEqual([])
    })
    expect(said).toEqual(['message m1 in v1', 'wake', 'removed sam from v1'])
  })

  it('announces nothing when the transaction rolls back', async () => {
    const { ctx, said } = recordingContext()
    await expect(
      inTransaction(ctx, async (tx) => {
        tx.changes.conversation('v1')
        tx.wakeOutbox()
        throw new Error('database away')
      }),
    ).rejects.toThrow('database away')
    expect(said).toEqual([])
    await inTransaction(ctx, async (tx) => {
      tx.changes.conversation('v2')
    })
    expect(said).toEqual(['conversation v2'])
  })

  it('keeps only the last run’s announcements when the store runs the work again after a conflict', async () => {
    const { ctx, said } = recordingContext()
    const transaction = ctx.store.transaction.bind(ctx.store)
    // What the PostgreSQL store does after a deadlock: the same work, a second time.
    ctx.store.transaction = (work) =>
      transaction(async (tx) => {
        await work(tx)
        return work(tx)
      })
    let run = 0
    await inTransaction(ctx, async (tx) => {
      tx.changes.conversation(`v${++run}`)
    })
    expect(said).toEqual(['conversation v2'])
  })
})
