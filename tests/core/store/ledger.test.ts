import { expect, it } from 'vitest'
import { rowHash } from '../../../electron/core/db/repositories/ledger'
import { describeStores } from '../../helpers/store-engines'

describeStores('the audit ledger', ({ store }) => {
  const entry = (i: number) => ({ at: 1_000 + i, actorId: i % 2 ? 'ana' : 'zoe', action: `test.${i}`, detail: { n: i, text: 'café' } })

  it('chains rows with the same hashes on either engine, and verifies them', async () => {
    for (let i = 1; i <= 3; i++) expect(await store().ledger.appendAudit(entry(i))).toBe(i)
    // The chain computed here, independently of the engine: both must store exactly this.
    let hash = ''
    for (let i = 1; i <= 3; i++) {
      const e = entry(i)
      hash = rowHash(
        'audit_log',
        { seq: i, at: e.at, actor_id: e.actorId, action: e.action, conversation_id: null, detail: JSON.stringify(e.detail) },
        hash,
      )
    }
    expect(JSON.parse((await store().appState.getState('ledger_head:audit_log'))!)).toEqual({ seq: 3, hash })
    expect(await store().ledger.verifyLedger('audit_log')).toEqual({ ok: true, rows: 3 })
    expect(await store().ledger.verifyLedger('consents')).toEqual({ ok: true, rows: 0 })
  })

  it('notices the newest rows missing when the head was written but the rows were rolled back elsewhere', async () => {
    await store().ledger.appendAudit(entry(1))
    await store().appState.setState('ledger_head:audit_log', JSON.stringify({ seq: 2, hash: 'x' }))
    expect(await store().ledger.verifyLedger('audit_log')).toEqual({
      ok: false,
      rows: 1,
      brokenSeq: 2,
      reason: 'the newest rows are missing (the ledger ended at row 2)',
    })
  })

  it('keeps one unbroken chain when many appends arrive at once', async () => {
    await Promise.all(Array.from({ length: 12 }, (_, i) => store().ledger.appendAudit(entry(i + 1))))
    expect(await store().ledger.verifyLedger('audit_log')).toEqual({ ok: true, rows: 12 })
  })

  it('lists newest first, limited, by actor when asked for what someone may see', async () => {
    for (let i = 1; i <= 5; i++) await store().ledger.appendAudit(entry(i))
    expect((await store().ledger.listAudit({ limit: 2 })).map((row) => row.action)).toEqual(['test.5', 'test.4'])
    expect((await store().ledger.listAudit({ visibleTo: 'ana' })).map((row) => row.seq)).toEqual([5, 3, 1])
    expect((await store().ledger.listAudit())[0]).toEqual({
      seq: 5,
      at: 1_005,
      actor_id: 'ana',
      action: 'test.5',
      conversation_id: null,
      detail: '{"n":5,"text":"café"}',
    })
  })

  it('finds who ran an export to a folder, and whether it was everything', async () => {
    await store().ledger.appendAudit({
      at: 1,
      actorId: 'zoe',
      action: 'export.run',
      detail: { folder: 'greenline-export-1', scope: { everything: true } },
    })
    await store().ledger.appendAudit({
      at: 2,
      actorId: 'ana',
      action: 'export.run',
      detail: { folder: 'greenline-export-2', scope: { userId: 'ana' } },
    })
    expect(await store().ledger.exportRunOf('greenline-export-1')).toEqual({ actorId: 'zoe', everything: true })
    expect(await store().ledger.exportRunOf('greenline-export-2')).toEqual({ actorId: 'ana', everything: false })
    expect(await store().ledger.exportRunOf('greenline-export-3')).toBeUndefined()
  })
})
