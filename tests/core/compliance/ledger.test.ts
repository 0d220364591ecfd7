import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../../../electron/core/db/open'
import { appendAudit, appendConsentEvent, verifyLedger } from '../../../electron/core/db/repositories/ledger'
import { tempDir } from './helpers'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const run = promisify(execFile)

/** A data folder with 3 consent events and 6 audit rows written the way the engine writes them. */
function ledgerFolder(): { dataDir: string; db: Db } {
  const dataDir = tempDir('ledger')
  const db = openDatabase(dataDir)
  db.prepare("INSERT INTO contacts (id, name, phone, created_at, updated_at) VALUES ('c1', 'Ana Souza', '+14155550101', 1, 1)").run()
  const at = Date.UTC(2026, 0, 5, 9)
  appendConsentEvent(db, { contactId: 'c1', state: 'requested', event: 'requested', at, byUserId: 'priya' })
  appendConsentEvent(db, {
    contactId: 'c1',
    state: 'granted',
    event: 'affirmed',
    at: at + 60_000,
    evidenceMessageId: 'm1',
    detail: { keyword: 'YES' },
  })
  appendConsentEvent(db, { contactId: 'c1', state: 'revoked', event: 'stop', at: at + 120_000, detail: { keyword: 'STOP' } })
  for (let i = 1; i <= 6; i++) {
    appendAudit(db, {
      at: at + i * 1000,
      actorId: 'priya',
      action: i % 2 ? 'participant.added' : 'participant.removed',
      conversationId: 'v1',
      detail: { userId: `u${i}` },
    })
  }
  return { dataDir, db }
}

async function verifyCli(dataDir: string): Promise<{ code: number; lines: string[] }> {
  try {
    const { stdout } = await run('npx', ['tsx', 'electron/cli/ledger-cli.ts', '--data-dir', dataDir], { cwd: ROOT, timeout: 120_000 })
    return { code: 0, lines: stdout.trim().split('\n') }
  } catch (error) {
    const failure = error as { code?: number; stdout?: string }
    return { code: failure.code ?? -1, lines: (failure.stdout ?? '').trim().split('\n') }
  }
}

/** Swaps everything but `seq` between two rows: the same rows, in a different order. */
function swapRows(db: Db, a: number, b: number) {
  const columns = ['at', 'actor_id', 'action', 'conversation_id', 'detail', 'prev_hash', 'hash']
  const get = db.prepare(`SELECT ${columns.join(', ')} FROM audit_log WHERE seq = ?`)
  const rowA = get.get(a) as Record<string, unknown>
  const rowB = get.get(b) as Record<string, unknown>
  const set = db.prepare(`UPDATE audit_log SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE seq = @seq`)
  db.transaction(() => {
    set.run({ ...rowB, seq: a })
    set.run({ ...rowA, seq: b })
  })()
}

let open: Db | undefined
afterEach(() => {
  if (open?.open) open.close()
})

describe('tamper-evident ledger', () => {
  it('verifies an untouched chain', () => {
    const { db } = ledgerFolder()
    open = db
    expect(verifyLedger(db, 'consents')).toEqual({ ok: true, rows: 3 })
    expect(verifyLedger(db, 'audit_log')).toEqual({ ok: true, rows: 6 })
  })

  it('detects an edited row and names it', () => {
    const { db } = ledgerFolder()
    open = db
    db.prepare(`UPDATE audit_log SET detail = '{"userId":"someone-else"}' WHERE seq = 4`).run()
    expect(verifyLedger(db, 'audit_log')).toMatchObject({ ok: false, brokenSeq: 4, reason: 'the row was changed' })
    db.prepare(`UPDATE consents SET at = at + 1 WHERE seq = 2`).run()
    expect(verifyLedger(db, 'consents')).toMatchObject({ ok: false, brokenSeq: 2 })
  })

  it('detects a deleted row', () => {
    const { db } = ledgerFolder()
    open = db
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run()
    expect(verifyLedger(db, 'audit_log')).toMatchObject({ ok: false, brokenSeq: 4, reason: 'row 3 is missing' })
  })

  it('detects a deleted row even when the later rows are renumbered', () => {
    const { db } = ledgerFolder()
    open = db
    db.prepare('DELETE FROM consents WHERE seq = 2').run()
    db.prepare('UPDATE consents SET seq = 2 WHERE seq = 3').run()
    expect(verifyLedger(db, 'consents')).toMatchObject({ ok: false, brokenSeq: 2 })
  })

  it('detects the newest row being deleted', () => {
    const { db } = ledgerFolder()
    open = db
    db.prepare('DELETE FROM audit_log WHERE seq = 6').run()
    expect(verifyLedger(db, 'audit_log')).toMatchObject({
      ok: false,
      brokenSeq: 6,
      reason: expect.stringContaining('newest rows are missing'),
    })
  })

  it('detects reordered rows', () => {
    const { db } = ledgerFolder()
    open = db
    swapRows(db, 2, 3)
    expect(verifyLedger(db, 'audit_log')).toMatchObject({ ok: false, brokenSeq: 2 })
  })

  it('ledger:verify prints each table and ends with "ledger ok rows=<n>", exit 0', async () => {
    const { dataDir, db } = ledgerFolder()
    db.close()
    const { code, lines } = await verifyCli(dataDir)
    expect(code).toBe(0)
    expect(lines).toContain('consents: ok rows=3')
    expect(lines).toContain('audit_log: ok rows=6')
    expect(lines.at(-1)).toBe('ledger ok rows=9')
  }, 120_000)

  it('ledger:verify names the first broken row and exits non-zero', async () => {
    const { dataDir, db } = ledgerFolder()
    db.prepare(`UPDATE audit_log SET detail = '{}' WHERE seq = 5`).run()
    db.prepare('DELETE FROM audit_log WHERE seq = 6').run()
    db.close()
    const { code, lines } = await verifyCli(dataDir)
    expect(code).toBe(1)
    expect(lines.at(-1)).toBe('ledger broken table=audit_log row=5: the row was changed')
  }, 120_000)

  it('ledger:verify refuses a folder without a database (exit 2)', async () => {
    const { code } = await verifyCli(tempDir('no-ledger'))
    expect(code).toBe(2)
  }, 120_000)
})
