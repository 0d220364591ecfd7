import { expect, it } from 'vitest'
import { TransactionFinished } from '../../../electron/core/db/store'
import { describeStores } from '../../helpers/store-engines'

const picture = (id: string, thumbnailId?: string) => ({
  id,
  mimeType: 'image/jpeg',
  size: 1000,
  width: 10,
  height: 20,
  thumbnailId,
  now: 5,
})

describeStores('store transactions', ({ store, engine }) => {
  it('commits everything done through tx together', async () => {
    await store().transaction(async (tx) => {
      await tx.media.upsertMedia(picture('a'))
      await tx.media.upsertMedia(picture('b'))
    })
    expect((await store().media.getMedia('a'))?.mime_type).toBe('image/jpeg')
    expect(await store().media.getMedia('b')).toMatchObject({
      id: 'b',
      size: 1000,
      width: 10,
      height: 20,
      thumbnail_id: null,
      created_at: 5,
    })
  })

  it('keeps nothing when the work throws, and rethrows its error', async () => {
    const failure = store().transaction(async (tx) => {
      await tx.media.upsertMedia(picture('a'))
      throw new Error('the send failed')
    })
    await expect(failure).rejects.toThrow('the send failed')
    expect(await store().media.getMedia('a')).toBeUndefined()
  })

  it('rolls a nested transaction back to its savepoint only', async () => {
    await store().transaction(async (tx) => {
      await tx.media.upsertMedia(picture('outer'))
      await expect(
        tx.transaction(async (inner) => {
          await inner.media.upsertMedia(picture('inner'))
          throw new Error('inner failed')
        }),
      ).rejects.toThrow('inner failed')
    })
    expect(await store().media.getMedia('outer')).toBeDefined()
    expect(await store().media.getMedia('inner')).toBeUndefined()
  })

  it('two transactions taking the same rows crosswise both commit: PostgreSQL’s deadlock victim runs again', async () => {
    await store().appState.setState('a', 'start')
    await store().appState.setState('b', 'start')
    let runs = 0
    // On PostgreSQL each holds one row before it asks for the other's; SQLite runs them one after the other.
    let holding = 0
    let bothHold!: () => void
    const bothHolding = new Promise<void>((resolve) => (bothHold = resolve))
    const crosswise = (first: string, second: string, value: string) =>
      store().transaction(async (tx) => {
        runs++
        await tx.appState.setState(first, value)
        if (engine === 'postgres') {
          if (++holding === 2) bothHold()
          await bothHolding
        }
        await tx.appState.setState(second, value)
      })
    await Promise.all([crosswise('a', 'b', 'one'), crosswise('b', 'a', 'two')])
    // PostgreSQL: at least the victim once more (on a loaded machine a retry can meet the lock again).
    if (engine === 'postgres') expect(runs).toBeGreaterThanOrEqual(3)
    else expect(runs).toBe(2)
    const a = await store().appState.getState('a')
    expect(['one', 'two']).toContain(a)
    expect(await store().appState.getState('b')).toBe(a)
  })

  it('refuses a tx used after its transaction ended', async () => {
    let leaked: Parameters<Parameters<ReturnType<typeof store>['transaction']>[0]>[0] | undefined
    await store().transaction(async (tx) => {
      leaked = tx
    })
    await expect(leaked!.media.getMedia('a')).rejects.toBeInstanceOf(TransactionFinished)
  })

  it('runs concurrent transactions without mixing their writes', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const first = store().transaction(async (tx) => {
      await tx.media.upsertMedia(picture('first'))
      await held
      throw new Error('first gives up')
    })
    const second = store().transaction(async (tx) => {
      await tx.media.upsertMedia(picture('second'))
    })
    // Outside both: on SQLite it waits for the open transaction; on PostgreSQL it does not see it.
    const outside = store().media.upsertMedia(picture('outside'))
    release()
    await expect(first).rejects.toThrow('first gives up')
    await second
    await outside
    expect(await store().media.getMedia('first')).toBeUndefined()
    expect(await store().media.getMedia('second')).toBeDefined()
    expect(await store().media.getMedia('outside')).toBeDefined()
    expect(store().dialect).toBe(engine)
  })

  it('answers a ping while the database is there', async () => {
    await expect(store().ping()).resolves.toBeUndefined()
    await store().transaction((tx) => tx.ping())
  })

  it('keeps the first thumbnail when the same picture is stored again without one', async () => {
    await store().media.upsertMedia(picture('p', 't1'))
    await store().media.upsertMedia(picture('p'))
    expect((await store().media.getMedia('p'))?.thumbnail_id).toBe('t1')
  })
})
