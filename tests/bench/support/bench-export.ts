import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type Db } from '../../../electron/core/db/open'
import { appendAudit, appendConsentEvent } from '../../../electron/core/db/repositories/ledger'
import { upsertMedia } from '../../../electron/core/db/repositories/media'
import { syncOrgUsers } from '../../../electron/core/db/repositories/org-users'
import { createMediaStore } from '../../../electron/core/media/media-store'
import { DEMO_USERS } from '../../../electron/launcher/demo-org'
import { exportDataDir, type ExportReport } from '../../../electron/core/compliance/export'

export interface SeedOptions {
  messages: number
  conversations?: number
  /** Messages are spread evenly over this many days from `start`. */
  days?: number
  start?: number
  mediaFiles?: number
}

export interface SeededHistory {
  start: number
  end: number
  conversationIds: string[]
  contactNames: string[]
  mediaIds: string[]
}

const NAMES = ['Ana Souza', 'Ben Okafor', 'Chloé Martin', 'José Núñez', '山田 太郎', 'Zoë "Z" O\'Brien']
export const SEED_NON_ASCII_TEXT = 'Préférence notée: café à 10h ☕ — à bientôt'

/**
 * Writes a synthetic history straight into `<dataDir>/greenline.db` with prepared statements in
 * large transactions (test and benchmark data only; the app never writes like this).
 */
export async function seedHistory(dataDir: string, options: SeedOptions): Promise<SeededHistory> {
  const n = options.messages
  const conversations = options.conversations ?? Math.max(1, Math.min(200, Math.ceil(n / 2000)))
  const days = options.days ?? 30
  const start = options.start ?? Date.UTC(2026, 0, 1)
  const span = days * 86_400_000
  const db = openDatabase(dataDir)
  try {
    const media = createMediaStore(join(dataDir, 'media'))
    const mediaIds: string[] = []
    for (let i = 0; i < (options.mediaFiles ?? 8); i++) {
      const stored = await media.put(randomBytes(2048 + i), 'image/jpeg')
      upsertMedia(db, { id: stored.id, mimeType: 'image/jpeg', size: stored.size, width: 64, height: 48, now: start })
      mediaIds.push(stored.id)
    }
    syncOrgUsers(db, DEMO_USERS)
    const seeded = seedRows(db, { n, conversations, start, span, mediaIds })
    return { start, end: start + span, mediaIds, ...seeded }
  } finally {
    db.close()
  }
}

function seedRows(db: Db, o: { n: number; conversations: number; start: number; span: number; mediaIds: string[] }) {
  const insertContact = db.prepare('INSERT INTO contacts (id, name, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
  const insertConversation = db.prepare(
    'INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at) VALUES (?, ?, ?, ?, ?)',
  )
  const insertParticipant = db.prepare('INSERT INTO participants (conversation_id, user_id, joined_at, left_at) VALUES (?, ?, ?, ?)')
  const insertMessage = db.prepare(`
    INSERT INTO messages (id, conversation_id, direction, author_id, kind, body, media_id, media_state, status, error, error_code,
      provider_id, created_at, updated_at, sent_at, delivered_at, read_at, failed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const conversationIds: string[] = []
  const contactNames: string[] = []
  const channels: string[] = []
  db.transaction(() => {
    for (let c = 0; c < o.conversations; c++) {
      const contactId = `ct_${String(c).padStart(5, '0')}`
      const name = c < NAMES.length ? NAMES[c] : `Client ${c}`
      const channel = c % 5 === 4 ? 'sms' : 'whatsapp'
      const id = `cv_${String(c).padStart(5, '0')}`
      insertContact.run(contactId, name, `+1415556${String(c).padStart(4, '0')}`, o.start, o.start)
      insertConversation.run(id, contactId, channel, o.start, o.start + o.span)
      insertParticipant.run(id, 'priya', o.start, null)
      // Sam joins every third thread half-way: participants differ over time.
      if (c % 3 === 0) insertParticipant.run(id, 'sam', o.start + o.span / 2, null)
      if (channel === 'whatsapp') {
        appendConsentEvent(db, { contactId, state: 'requested', event: 'requested', at: o.start, byUserId: 'priya' })
        appendConsentEvent(db, { contactId, state: 'granted', event: 'affirmed', at: o.start + 60_000, detail: { keyword: 'YES' } })
      }
      appendAudit(db, { at: o.start, actorId: 'priya', action: 'conversation.started', conversationId: id, detail: { channel, contactId } })
      conversationIds.push(id)
      contactNames.push(name)
      channels.push(channel)
    }
  })()
  const batch = 20_000
  for (let first = 0; first < o.n; first += batch) {
    db.transaction(() => {
      for (let i = first; i < Math.min(o.n, first + batch); i++) {
        const c = i % o.conversations
        const at = o.start + Math.floor((i * o.span) / o.n)
        const inbound = i % 3 === 0
        const withMedia = o.mediaIds.length > 0 && i % 500 === 250
        const failed = !inbound && i % 997 === 1
        const author = inbound ? null : c % 3 === 0 && at >= o.start + o.span / 2 && i % 2 === 0 ? 'sam' : 'priya'
        const text = withMedia ? `Photo ${i}` : i % 7 === 0 ? `${SEED_NON_ASCII_TEXT} #${i}` : `Message ${i} about the appointment`
        const status = inbound ? 'received' : failed ? 'failed' : i % 4 === 0 ? 'read' : 'delivered'
        insertMessage.run(
          `m_${String(i).padStart(8, '0')}`,
          conversationIds[c],
          inbound ? 'in' : 'out',
          author,
          withMedia ? 'image' : 'text',
          text,
          withMedia ? o.mediaIds[i % o.mediaIds.length] : null,
          withMedia ? 'ready' : null,
          status,
          failed ? 'The recipient could not be reached' : null,
          failed ? 131026 : null,
          channels[c] === 'whatsapp' ? `wamid.seed${i}` : null,
          at,
          at,
          inbound || failed ? null : at + 1000,
          status === 'read' || status === 'delivered' ? at + 2000 : null,
          status === 'read' ? at + 3000 : null,
          failed ? at + 1500 : null,
        )
      }
    })()
  }
  return { conversationIds, contactNames }
}

export interface ExportBench {
  messages: number
  seconds: number
  export_msgs_per_s: number
  export_peak_rss_mb: number
  bytes: number
  files: number
}

export interface BenchExportOptions {
  /** An existing data folder to export; a fresh temporary one (seeded with `messages`) when omitted. */
  dataDir?: string
  /** Where the export folder goes; `<dataDir>/exports` by default. */
  outDir?: string
  /** Seed this many synthetic messages into `dataDir` first (it must be empty). */
  messages?: number
}

/**
 * Export throughput and peak resident memory: `benchExport({ dataDir, outDir })` exports an
 * existing history (the bench harness's 1M-message database); `benchExport(undefined, n)` or
 * `benchExport({ messages: n })` seeds `n` messages into a temporary folder first. The export is
 * not audited (the bench database is shared).
 */
export async function benchExport(
  options: BenchExportOptions | string | undefined,
  n?: number,
): Promise<ExportBench & { report: ExportReport }> {
  const o: BenchExportOptions = typeof options === 'object' ? options : { dataDir: options, messages: n }
  const own = !o.dataDir
  const dir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'greenline-bench-export-'))
  try {
    if (o.messages)
      await seedHistory(dir, { messages: o.messages, conversations: Math.max(1, Math.min(200, Math.ceil(o.messages / 5000))), days: 60 })
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    let peak = process.memoryUsage().rss
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }
    const sampler = setInterval(sample, 25)
    const started = performance.now()
    let report: ExportReport
    try {
      report = await exportDataDir({ dataDir: dir, outDir: o.outDir ?? join(dir, 'exports'), audit: false, onProgress: sample })
    } finally {
      clearInterval(sampler)
    }
    const seconds = (performance.now() - started) / 1000
    sample()
    return {
      messages: report.messages,
      seconds: Math.round(seconds * 100) / 100,
      export_msgs_per_s: Math.round(report.messages / seconds),
      export_peak_rss_mb: Math.round((peak / 1024 / 1024) * 10) / 10,
      bytes: report.bytes,
      files: report.files,
      report,
    }
  } finally {
    if (own) rmSync(dir, { recursive: true, force: true })
  }
}
