// @team-client: `npm run server -- import --from <greenline.db> --as <userId>` as an office user
// runs it: a real solo history (engine + sandbox), the real command twice, the server's database read back.
import Database from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { verifyLedger } from '../../electron/core/db/repositories/ledger'
import { verifyImportedLedger, type LedgerImportRecord } from '../../electron/core/db/repositories/solo-import'
import { ANA, startEngineHarness } from '../helpers/engine-harness'
import { PASSWORD } from './server-process'

const root = join(import.meta.dirname, '..', '..')
const serverDir = mkdtempSync(join(tmpdir(), 'greenline-import-server-'))
const dirs = [serverDir]

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function server(args: string[], input?: string) {
  const env = { ...process.env }
  delete env.VITEST
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'electron/server/main.ts'), ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    ...(input ? { input } : {}),
  })
}

it('imports a solo history (contacts, threads, messages, pictures, consent ledger) once, verifiably @team-client', async () => {
  // A solo desktop's history: Ana said yes, two messages and a picture went out, one waits unsent.
  const h = await startEngineHarness()
  dirs.push(h.dataDir)
  const priya = h.as('priya')
  const { conversation } = await h.openChat(ANA, 'Ana Souza')
  await priya('messages:send', { conversationId: conversation.id, text: 'Your order is ready' })
  await h.settle()
  h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
  await h.settle()
  const png = readFileSync(join(root, 'resources', 'icon.png')).toString('base64')
  const picture = await priya('media:upload', { dataBase64: png, filename: 'icon.png' })
  await priya('messages:send', { conversationId: conversation.id, mediaId: picture.mediaId, caption: 'the shelf' })
  await h.settle()
  const { contact: ben, conversation: benChat } = await h.openChat('+14155550102', 'Ben Okafor', { requestConsent: false })
  await priya('messages:send', { conversationId: benChat.id, text: 'not sent yet' })
  await h.settle()
  const soloThread = await h.thread(conversation.id)
  await h.stopEngine()
  expect(ben.id).toBeTruthy()

  const made = server(['admin', 'create', 'priya', '--password-stdin', '--data-dir', serverDir], `${PASSWORD}\n`)
  expect(made.status, made.stderr).toBe(0)
  const from = join(h.dataDir, 'greenline.db')
  const first = server(['import', '--from', from, '--as', 'priya', '--data-dir', serverDir])
  expect(first.status, first.stderr).toBe(0)
  expect(first.stdout).toMatch(/2 contacts, 2 conversations, \d+ messages/)
  const second = server(['import', '--from', from, '--as', 'priya', '--data-dir', serverDir])
  expect(second.status, second.stderr).toBe(0)
  expect(second.stdout).toContain('0 contacts, 0 conversations, 0 messages, 0 media')

  const db = new Database(join(serverDir, 'greenline.db'), { readonly: true })
  try {
    const messages = db
      .prepare('SELECT id, body, status, author_id, media_id FROM messages WHERE conversation_id = ? ORDER BY seq')
      .all(conversation.id) as Array<{ id: string; body: string | null; status: string; author_id: string | null; media_id: string | null }>
    expect(messages.map((m) => m.id)).toEqual(soloThread.map((m) => m.id))
    const image = messages.find((m) => m.media_id)!
    expect(existsSync(join(serverDir, 'media', image.media_id!.slice(0, 2), image.media_id!))).toBe(true)
    // Nothing the solo app had not sent goes out by surprise from the server.
    const unsent = db.prepare("SELECT status FROM messages WHERE body = 'not sent yet'").pluck().get()
    expect(unsent).toBe('failed')
    expect(db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(0)
    expect(db.prepare('SELECT user_id FROM participants WHERE conversation_id = ?').pluck().all(conversation.id)).toEqual(['priya'])

    // The server's chain verifies, and the solo chain's hashes come back from the server's rows.
    expect(verifyLedger(db, 'consents').ok).toBe(true)
    expect(verifyLedger(db, 'audit_log').ok).toBe(true)
    const audits = db.prepare("SELECT detail FROM audit_log WHERE action = 'import.solo'").pluck().all() as string[]
    expect(audits).toHaveLength(1)
    const record = (JSON.parse(audits[0]) as { ledger: LedgerImportRecord }).ledger
    expect(record.serverSeqs.length).toBeGreaterThan(0)
    expect(verifyImportedLedger(db, record)).toBe(true)
    expect(verifyImportedLedger(db, { ...record, headHash: 'f'.repeat(64) })).toBe(false)
  } finally {
    db.close()
    await h.close()
  }
}, 180_000)

it('refuses without --from or a user the server knows, importing nothing @team-client', () => {
  const missing = server(['import', '--as', 'priya', '--data-dir', serverDir])
  expect(missing.status).toBe(1)
  expect(missing.stderr).toContain('Usage: npm run server -- import --from')
  const stranger = server(['import', '--from', join(serverDir, 'greenline.db'), '--as', 'nobody', '--data-dir', serverDir])
  expect(stranger.status).toBe(1)
  expect(stranger.stderr).toContain('nobody is not a user of this server')
})
