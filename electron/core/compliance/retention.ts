import type { EngineContext } from '../context'
import type { MediaStore } from '../media/media-store'
import { createLogger } from '../platform/logger'

const log = createLogger('retention')
const DAY = 86_400_000
const BATCH = 5000
/** An uploaded picture not attached to any message yet is only an orphan after this long. */
const ORPHAN_GRACE_MS = DAY
/** The first purge waits a little after start so it never competes with catching up. */
const FIRST_RUN_DELAY_MS = 10 * 60_000

export interface RetentionReport {
  at: number
  /** Messages created before this were removed (null: messages are kept forever). */
  messagesBefore: number | null
  /** Media created before this were removed (null: only unreferenced media are removed). */
  mediaBefore: number | null
  messages: number
  reactions: number
  outbox: number
  conversations: number
  media: number
  mediaBytes: number
  /** Messages that kept their text but lost an expired picture. */
  mediaDetached: number
}

/**
 * Removes what the org policy's retention no longer allows: messages created more than
 * `retention.messagesDays` ago (with their reactions, outbox rows and search entries), media
 * older than `retention.mediaDays` and media no message uses any more. Exactly "older than": a
 * message created at the cutoff instant stays. The consent ledger and audit log are never purged;
 * the purge itself is audited with its counts. Does nothing when the policy sets no retention.
 */
export async function purgeExpired(
  ctx: EngineContext,
  media: MediaStore,
  now: number,
  options: { shouldStop?: () => boolean } = {},
): Promise<RetentionReport> {
  const retention = ctx.org.retention
  const report: RetentionReport = {
    at: now,
    messagesBefore: retention?.messagesDays ? now - retention.messagesDays * DAY : null,
    mediaBefore: retention?.mediaDays ? now - retention.mediaDays * DAY : null,
    messages: 0,
    reactions: 0,
    outbox: 0,
    conversations: 0,
    media: 0,
    mediaBytes: 0,
    mediaDetached: 0,
  }
  if (report.messagesBefore === null && report.mediaBefore === null) return report

  if (report.messagesBefore !== null) {
    const touched = new Set<string>()
    let afterSeq = 0
    for (;;) {
      const batch = await ctx.store.retention.purgeMessageBatch(report.messagesBefore, afterSeq, BATCH)
      if (!batch) break
      report.messages += batch.messages
      report.reactions += batch.reactions
      report.outbox += batch.outbox
      for (const id of batch.conversationIds) touched.add(id)
      afterSeq = batch.lastSeq
      // Let requests in between batches; a shutdown stops after the current batch.
      await new Promise((resolve) => setImmediate(resolve))
      if (options.shouldStop?.()) break
    }
    report.conversations = touched.size
    for (const id of touched) ctx.changes.conversation(id)
  }

  for (const item of await ctx.store.retention.expiredMedia(report.mediaBefore, now - ORPHAN_GRACE_MS)) {
    report.mediaDetached += await ctx.store.retention.deleteMediaRow(item.id, now)
    // The row goes first: a crash in between leaves an unreferenced file, never a row without one.
    await media.remove(item.id).catch((error: Error) => log.warn('media file not removed', { id: item.id, error: error.message }))
    report.media++
    report.mediaBytes += item.size
  }

  const { at: _at, ...counts } = report
  await ctx.store.ledger.appendAudit({ at: now, action: 'retention.purged', detail: { ...counts, policy: { ...retention } } })
  log.info('retention purge', { messages: report.messages, media: report.media })
  return report
}

/**
 * Runs the purge once shortly after start and then daily on the engine's clock. Returns the stop
 * function; its promise resolves once a purge in progress has stopped (await it before closing
 * the database).
 */
export function startRetention(
  ctx: EngineContext,
  media: MediaStore,
  options: { firstRunDelayMs?: number; onReport?: (report: RetentionReport) => void } = {},
): () => Promise<void> {
  let cancel: (() => void) | undefined
  let stopped = false
  let running: Promise<void> | undefined
  const schedule = (delay: number) => {
    if (stopped) return
    cancel = ctx.clock.setTimer(() => {
      running = purgeExpired(ctx, media, ctx.clock.now(), { shouldStop: () => stopped })
        .then((report) => options.onReport?.(report))
        .catch((error: Error) => log.error('retention purge failed', { error: error.message }))
        .finally(() => {
          running = undefined
          schedule(DAY)
        })
    }, delay)
  }
  if (ctx.org.retention?.messagesDays || ctx.org.retention?.mediaDays) schedule(options.firstRunDelayMs ?? FIRST_RUN_DELAY_MS)
  return async () => {
    stopped = true
    cancel?.()
    await running
  }
}
