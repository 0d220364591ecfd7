import { afterEach, describe, expect, it } from 'vitest'
import { purgeExpired, startRetention, type RetentionReport } from '../../../electron/core/compliance/retention'
import { listAudit, verifyLedger } from '../../../electron/core/db/repositories/ledger'
import { compliantEngine, type CompliantEngine } from './helpers'

const DAY = 86_400_000
let app: CompliantEngine | undefined

afterEach(async () => {
  await app?.engine.close()
  app = undefined
})

/** A thread with messages created at the given offsets (ms) from `now`, plus a reaction and an outbox row each. */
async function history(offsets: Record<string, number>) {
  app = compliantEngine({ retention: { messagesDays: 30, mediaDays: 60 } })
  const { engine, clock, must } = app
  const contact = await must('priya')('contacts:create', { name: 'Ben Okafor', phone: '+14155550102' })
  const conversation = await must('priya')('conversations:start', { contactId: contact.id, channel: 'sms' })
  const now = clock.now()
  const db = engine.db
  const media = async (name: string, createdAt: number) => {
    const stored = await engine.media.put(Buffer.from(`picture ${name}`), 'image/jpeg')
    db.prepare('INSERT INTO media (id, mime_type, size, created_at) VALUES (?, ?, ?, ?)').run(
      stored.id,
      'image/jpeg',
      stored.size,
      createdAt,
    )
    return stored.id
  }
  const insert = db.prepare(
    `INSERT INTO messages (id, conversation_id, direction, author_id, kind, body, media_id, media_state, status, created_at, updated_at)
     VALUES (@id, @conversationId, 'out', 'priya', @kind, @body, @mediaId, @mediaState, 'queued', @at, @at)`,
  )
  for (const [id, offset] of Object.entries(offsets)) {
    insert.run({
      id,
      conversationId: conversation.id,
      kind: 'text',
      body: `retention probe ${id}`,
      mediaId: null,
      mediaState: null,
      at: now + offset,
    })
    db.prepare("INSERT INTO reactions (message_id, actor, emoji, at) VALUES (?, 'contact', '👍', ?)").run(id, now + offset)
    db.prepare("INSERT INTO outbox (message_id, lane, seq, kind, state, due_at) VALUES (?, 'sms:x', 1, 'sms', 'ready', ?)").run(
      id,
      now + offset,
    )
  }
  db.prepare('UPDATE conversations SET last_message_seq = (SELECT MAX(seq) FROM messages) WHERE id = ?').run(conversation.id)
  return { engine, clock, now, conversation, media, insert }
}

const count = (app: CompliantEngine, sql: string, ...params: unknown[]) =>
  app.engine.db
    .prepare(sql)
    .pluck()
    .get(...params) as number

describe('retention purge', () => {
  it('removes exactly the messages older than messagesDays, with reactions, outbox rows and search entries', async () => {
    const { engine, now, conversation } = await history({
      ancient: -400 * DAY,
      justOlder: -30 * DAY - 1,
      atCutoff: -30 * DAY,
      justNewer: -30 * DAY + 1,
      today: 0,
    })
    const consentsBefore = count(app!, 'SELECT COUNT(*) FROM consents')
    const auditBefore = count(app!, 'SELECT COUNT(*) FROM audit_log')
    const ftsHits = (id: string) => count(app!, 'SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH ?', `"probe ${id}"`)
    expect(ftsHits('justOlder')).toBe(1)

    const report = await purgeExpired(engine.ctx, engine.media, now)

    const left = engine.db
      .prepare("SELECT id FROM messages WHERE body LIKE 'retention probe %' ORDER BY created_at")
      .pluck()
      .all() as string[]
    expect(left).toEqual(['atCutoff', 'justNewer', 'today'])
    expect(report).toMatchObject({ messages: 2, reactions: 2, outbox: 2, conversations: 1, messagesBefore: now - 30 * DAY })
    expect(count(app!, "SELECT COUNT(*) FROM reactions WHERE message_id IN ('ancient', 'justOlder')")).toBe(0)
    expect(count(app!, "SELECT COUNT(*) FROM outbox WHERE message_id IN ('ancient', 'justOlder')")).toBe(0)
    expect(ftsHits('justOlder')).toBe(0)
    expect(ftsHits('atCutoff')).toBe(1)
    // Never the ledger: consent rows stay, the audit log only grows (by the purge's own row).
    expect(count(app!, 'SELECT COUNT(*) FROM consents')).toBe(consentsBefore)
    expect(count(app!, 'SELECT COUNT(*) FROM audit_log')).toBe(auditBefore + 1)
    expect(verifyLedger(engine.db, 'audit_log').ok).toBe(true)
    const [audit] = listAudit(engine.db, { limit: 1 })
    expect(audit?.action).toBe('retention.purged')
    expect(JSON.parse(audit.detail)).toMatchObject({ messages: 2, reactions: 2, outbox: 2, policy: { messagesDays: 30, mediaDays: 60 } })
    // The thread stays and its preview points at the newest message left.
    const thread = await app!.must('priya')('conversations:get', { id: conversation.id })
    expect(thread.id).toBe(conversation.id)
  })

  it('removes media older than mediaDays and media no message uses; keeps a fresh upload', async () => {
    const { engine, now, conversation, media, insert } = await history({})
    const usedOld = await media('used-old', now - 60 * DAY - 1)
    const usedAtCutoff = await media('used-at-cutoff', now - 60 * DAY)
    const orphanOld = await media('orphan-old', now - 2 * DAY)
    const freshUpload = await media('fresh-upload', now - 60_000)
    const purgedWithMessage = await media('purged-with-message', now - 40 * DAY)
    const row = (id: string, mediaId: string, at: number) =>
      insert.run({ id, conversationId: conversation.id, kind: 'image', body: 'caption', mediaId, mediaState: 'ready', at })
    row('keeps-text', usedOld, now - DAY)
    row('keeps-picture', usedAtCutoff, now - DAY)
    row('goes', purgedWithMessage, now - 31 * DAY)

    const report = await purgeExpired(engine.ctx, engine.media, now)

    const mediaLeft = engine.db.prepare('SELECT id FROM media').pluck().all() as string[]
    expect(new Set(mediaLeft)).toEqual(new Set([usedAtCutoff, freshUpload]))
    expect(engine.media.has(usedOld) || engine.media.has(orphanOld) || engine.media.has(purgedWithMessage)).toBe(false)
    expect(engine.media.has(usedAtCutoff) && engine.media.has(freshUpload)).toBe(true)
    expect(report).toMatchObject({ messages: 1, media: 3, mediaDetached: 1 })
    const kept = engine.db.prepare("SELECT media_id, body, extra FROM messages WHERE id = 'keeps-text'").get() as {
      media_id: string | null
      body: string
      extra: string
    }
    expect(kept).toMatchObject({ media_id: null, body: 'caption' })
    expect(JSON.parse(kept.extra)).toEqual({ mediaRemoved: 'retention' })
  })

  it('does nothing without a retention policy', async () => {
    app = compliantEngine()
    const before = count(app, 'SELECT COUNT(*) FROM audit_log')
    const report = await purgeExpired(app.engine.ctx, app.engine.media, app.clock.now())
    expect(report).toMatchObject({ messages: 0, media: 0, messagesBefore: null, mediaBefore: null })
    expect(count(app, 'SELECT COUNT(*) FROM audit_log')).toBe(before)
  })

  it('runs daily on the engine clock once started, and stops', async () => {
    const { engine, clock } = await history({ old: -31 * DAY, recent: -DAY })
    const reports: RetentionReport[] = []
    let notify: () => void = () => undefined
    const next = () => new Promise<void>((resolve) => (notify = resolve))
    const stop = startRetention(engine.ctx, engine.media, { onReport: (report) => (reports.push(report), notify()) })

    let ran = next()
    clock.advance(10 * 60_000)
    await ran
    expect(reports.map((r) => r.messages)).toEqual([1])
    await new Promise((resolve) => setImmediate(resolve))

    // The next run is a day later; jumping 29 days makes the once-recent message 30 days and 10 minutes old.
    ran = next()
    clock.advance(29 * DAY)
    await ran
    expect(reports.map((r) => r.messages)).toEqual([1, 1])
    expect(count(app!, "SELECT COUNT(*) FROM messages WHERE id = 'recent'")).toBe(0)
    await new Promise((resolve) => setImmediate(resolve))

    await stop()
    const runs = reports.length
    clock.advance(3 * DAY)
    await new Promise((resolve) => setImmediate(resolve))
    expect(reports.length).toBe(runs)
  })
})
