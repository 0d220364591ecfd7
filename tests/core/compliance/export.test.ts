import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { createInterface } from 'node:readline'
import { createReadStream } from 'node:fs'
import { simpleParser, type AddressObject } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256OfFile } from '../../../electron/core/compliance/archive-file'
import { SEED_NON_ASCII_TEXT, seedHistory } from '../../bench/support/bench-export'
import { exportDataDir, type ExportReport } from '../../../electron/core/compliance/export'
import { listAudit } from '../../../electron/core/db/repositories/ledger'
import { compliantEngine, tempDir, type CompliantEngine } from './helpers'

const N = 100_000
const START = Date.UTC(2026, 0, 1)
/** When the seed wrote message `i` (spread evenly over 30 days). */
const at = (i: number) => START + Math.floor((i * 30 * 86_400_000) / N)

interface Manifest {
  format: string
  counts: Record<string, number>
  files: Array<{ path: string; sha256: string; bytes: number }>
}

function walk(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name), root) : [relative(root, join(dir, entry.name)).split('\\').join('/')],
  )
}

async function countLines(path: string): Promise<number> {
  let n = 0
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) if (line) n++
  return n
}

const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value)

describe(`archive export of a ${N.toLocaleString('en-US')}-message history`, () => {
  let dataDir: string
  let report: ExportReport
  let manifest: Manifest
  let exportMs: number

  beforeAll(async () => {
    dataDir = tempDir('export')
    await seedHistory(dataDir, { messages: N, conversations: 50, days: 30 })
    const started = performance.now()
    report = await exportDataDir({
      dataDir,
      outDir: join(dataDir, 'out'),
      orgName: 'Müller & Partner Dental',
      now: () => Date.UTC(2026, 1, 2, 8),
    })
    exportMs = performance.now() - started
    console.log(
      `export of ${report.messages} messages: ${(exportMs / 1000).toFixed(1)} s, ${Math.round(report.messages / (exportMs / 1000))} msgs/s, ${report.files} files, ${(report.bytes / 1048576).toFixed(1)} MB`,
    )
    manifest = JSON.parse(readFileSync(join(report.outDir, 'manifest.json'), 'utf8')) as Manifest
  }, 600_000)

  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('lands in <outDir>/greenline-export-<timestamp>/ with the expected counts', async () => {
    expect(report.outDir).toBe(join(dataDir, 'out', 'greenline-export-20260202T080000Z'))
    expect(report).toMatchObject({ messages: N, conversations: 50, emlFiles: 50 * 30, consentEvents: 80, auditEvents: 50, mediaMissing: 0 })
    expect(report.mediaFiles).toBeGreaterThan(0)
    expect(manifest.format).toBe('greenline-export/1')
    expect(manifest.counts).toMatchObject({ messages: N, conversations: 50, emlFiles: 1500, files: report.files })
    expect(await countLines(join(report.outDir, 'messages.jsonl'))).toBe(N)
    expect(await countLines(join(report.outDir, 'consent.jsonl'))).toBe(80)
    expect(await countLines(join(report.outDir, 'audit.jsonl'))).toBe(50)
  })

  it('validates against its manifest: every file listed once, sizes and sha256 match', async () => {
    const onDisk = walk(report.outDir)
      .filter((p) => p !== 'manifest.json')
      .sort()
    expect(manifest.files.map((f) => f.path).sort()).toEqual(onDisk)
    for (const file of manifest.files) {
      const path = join(report.outDir, file.path)
      expect(statSync(path).size, file.path).toBe(file.bytes)
      expect(await sha256OfFile(path), file.path).toBe(file.sha256)
    }
    for (const file of manifest.files.filter((f) => f.path.startsWith('media/'))) expect(file.path).toBe(`media/${file.sha256}`)
    expect(manifest.counts.bytes).toBe(manifest.files.reduce((sum, f) => sum + f.bytes, 0))
  }, 300_000)

  it('writes each message with ids, contact, author, participants at the time, statuses and failures', async () => {
    const wanted = new Map([
      ['m_00000002', 'plain'],
      ['m_00000250', 'media'],
      ['m_00000998', 'failed'],
      ['m_00099750', 'late sam'],
    ])
    const found = new Map<string, any>()
    for await (const line of createInterface({ input: createReadStream(join(report.outDir, 'messages.jsonl')), crlfDelay: Infinity })) {
      const id = line.slice(7, 17)
      if (wanted.has(id)) found.set(id, JSON.parse(line))
    }
    expect(found.get('m_00000002')).toMatchObject({
      providerId: 'wamid.seed2',
      conversationId: 'cv_00002',
      channel: 'whatsapp',
      contact: { id: 'ct_00002', name: 'Chloé Martin', phone: '+14155560002' },
      author: { type: 'user', id: 'priya', name: 'Priya Shah' },
      participants: [{ id: 'priya', name: 'Priya Shah' }],
      direction: 'out',
      text: 'Message 2 about the appointment',
      status: 'delivered',
      createdAt: new Date(at(2)).toISOString(),
      statusTimes: {
        sentAt: new Date(at(2) + 1000).toISOString(),
        deliveredAt: new Date(at(2) + 2000).toISOString(),
        readAt: null,
        failedAt: null,
      },
      failure: null,
    })
    expect(found.get('m_00000250')).toMatchObject({
      kind: 'image',
      media: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/), path: expect.stringMatching(/^media\//) },
    })
    expect(found.get('m_00000998')).toMatchObject({
      status: 'failed',
      failure: { reason: 'The recipient could not be reached', code: 131026 },
      statusTimes: { failedAt: expect.any(String) },
    })
    // Conversation 0 gained Sam half-way through the month.
    const late = found.get('m_00099750')
    expect(late.conversationId).toBe('cv_00000')
    expect(late.participants.map((p: { id: string }) => p.id)).toEqual(['priya', 'sam'])
  }, 120_000)

  it('writes .eml files that a real mail parser reads: headers, UTF-8 names, known text, CRLF', async () => {
    const day1 = join(report.outDir, 'eml', 'cv_00002', '2026-01-01.eml')
    const raw = readFileSync(day1)
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/)
    expect(
      raw
        .toString('latin1')
        .split('\r\n')
        .every((line) => line.length <= 998),
    ).toBe(true)
    // eslint-disable-next-line no-control-regex -- "only 7-bit characters" includes the controls
    expect(/^[\x00-\x7f]*$/.test(raw.toString('latin1'))).toBe(true)

    const mail = await simpleParser(raw)
    expect(mail.subject).toBe('WhatsApp conversation with Chloé Martin on 2026-01-01')
    expect(addresses(mail.from)[0]).toEqual({ name: 'Müller & Partner Dental', address: 'archive@greenline.invalid' })
    expect(addresses(mail.to)[0]).toEqual({ name: 'Chloé Martin', address: '+14155560002@whatsapp.greenline.invalid' })
    expect(mail.messageId).toBe('<cv_00002.2026-01-01@greenline.invalid>')
    expect(mail.date?.toISOString()).toBe(new Date(Math.floor(at(2) / 1000) * 1000).toISOString())
    expect(mail.text).toContain(`[${new Date(at(2)).toISOString().slice(11, 19)}] Priya Shah (delivered): Message 2 about the appointment`)

    const nonAscii = await simpleParser(readFileSync(join(report.outDir, 'eml', 'cv_00007', '2026-01-01.eml')))
    expect(nonAscii.text).toContain(`${SEED_NON_ASCII_TEXT} #7`)

    const japanese = await simpleParser(readFileSync(join(report.outDir, 'eml', 'cv_00004', '2026-01-15.eml')))
    expect(addresses(japanese.to)[0]?.name).toBe('山田 太郎')
    expect(japanese.subject).toBe('SMS conversation with 山田 太郎 on 2026-01-15')
    expect(addresses(japanese.to)[0]?.address).toBe('+14155560004@sms.greenline.invalid')

    const quoted = await simpleParser(readFileSync(join(report.outDir, 'eml', 'cv_00005', '2026-01-20.eml')))
    expect(addresses(quoted.to)[0]?.name).toBe('Zoë "Z" O\'Brien')

    // Late in the month Sam is a participant of thread 0: copied on its mail.
    const withSam = await simpleParser(readFileSync(join(report.outDir, 'eml', 'cv_00000', '2026-01-30.eml')))
    expect(addresses(withSam.cc).map((a) => a.address)).toEqual(['priya@users.greenline.invalid', 'sam@users.greenline.invalid'])
  })

  it('records the export in the audit log of the folder', async () => {
    const engine = compliantEngine({}, dataDir)
    try {
      const [latest] = listAudit(engine.engine.db, { limit: 1 })
      expect(latest).toMatchObject({ action: 'export.run', actor_id: null })
      expect(JSON.parse(latest.detail)).toMatchObject({
        via: 'cli',
        scope: { everything: true },
        counts: { messages: N, conversations: 50 },
      })
    } finally {
      await engine.engine.close()
    }
  })
})

describe('archive export from the app', () => {
  let app: CompliantEngine

  beforeAll(async () => {
    const dataDir = tempDir('export-app')
    await seedHistory(dataDir, { messages: 3000, conversations: 6, days: 3, start: Date.UTC(2026, 1, 1) })
    app = compliantEngine({}, dataDir)
  })

  afterAll(async () => {
    await app?.engine.close()
  })

  it('exports one thread the user reads, publishes progress and audits export.run', async () => {
    const progress: Array<{ done: number; total: number }> = []
    app.engine.subscribe('priya', (event, payload) => {
      if (event === 'export:progress') progress.push(payload as { done: number; total: number })
    })
    const value = await app.must('priya')('export:run', { conversationId: 'cv_00001' })
    expect(value).toMatchObject({ messages: 500, conversations: 1 })
    expect(progress.at(0)).toEqual({ done: 0, total: 500 })
    expect(progress.at(-1)).toEqual({ done: 500, total: 500 })
    const [audit] = listAudit(app.engine.db, { limit: 1 })
    expect(audit).toMatchObject({ action: 'export.run', actor_id: 'priya', conversation_id: 'cv_00001' })
    expect(JSON.parse(audit.detail)).toMatchObject({
      via: 'app',
      scope: { conversationId: 'cv_00001', readableBy: 'priya' },
      counts: { messages: 500 },
    })
  })

  it('limits a time-range export to the threads the user can read', async () => {
    // Sam takes part in every third thread (0 and 3).
    const value = await app.must('sam')('export:run', { from: Date.UTC(2026, 1, 1), to: Date.UTC(2026, 1, 2) })
    expect(value.conversations).toBe(2)
    const lines = readFileSync(join(value.outDir, 'messages.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { conversationId: string; createdAt: string })
    expect(new Set(lines.map((l) => l.conversationId))).toEqual(new Set(['cv_00000', 'cv_00003']))
    expect(lines).toHaveLength(value.messages)
    // 3,000 messages over 3 days, round robin over 6 threads: a third of day one's 1,000, in threads 0 and 3.
    expect(value.messages).toBe(334)
    expect(lines.every((l) => l.createdAt >= '2026-02-01' && l.createdAt < '2026-02-02')).toBe(true)
  })

  it('refuses a thread the user cannot read and a range that ends before it starts', async () => {
    expect(await app.call('alex')('export:run', { conversationId: 'cv_00001' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await app.call('priya')('export:run', { from: 10, to: 5 })).toMatchObject({ ok: false, error: { code: 'invalid' } })
    expect(await app.call('priya')('export:run', { contactId: 'nobody' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })
})
