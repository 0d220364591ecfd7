import { engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { MediaUploadValue } from '../../shared/api/contract'
import type { Message } from '../../shared/domain'
import type { EngineContext } from '../context'
import type { MediaStore } from '../media/media-store'
import { prepareImage } from '../media/prepare-image'
import { makeThumbnail } from '../media/thumbnail'
import { retryDelayMs } from '../outbox/backoff'
import { createLogger } from '../platform/logger'
import type { WhatsAppClient } from '../whatsapp/client'
import { requireParticipant } from './access'
import { loadMessages } from './views'

const log = createLogger('media')
const MAX_DOWNLOAD_ATTEMPTS = 6

/**
 * Prepares a picture the user picked (type read from the bytes, rotated, metadata stripped,
 * converted and shrunk within WhatsApp's 5 MB) and keeps it with its thumbnail.
 * @throws ApiFailure invalid with the reason in words; nothing is stored then.
 */
export async function uploadPicture(ctx: EngineContext, store: MediaStore, bytes: Uint8Array): Promise<MediaUploadValue> {
  const prepared = await prepareImage(bytes)
  if (!prepared.ok) throw new ApiFailure('invalid', prepared.error.text, { media: prepared.error.code })
  const image = prepared.value
  const thumbnail = await makeThumbnail(image.bytes)
  const stored = await store.put(image.bytes, image.mimeType)
  const storedThumbnail = await store.put(thumbnail.bytes, thumbnail.mimeType)
  const now = ctx.clock.now()
  await ctx.store.media.upsertMedia({
    id: storedThumbnail.id,
    mimeType: thumbnail.mimeType,
    size: thumbnail.bytes.byteLength,
    width: thumbnail.width,
    height: thumbnail.height,
    now,
  })
  await ctx.store.media.upsertMedia({
    id: stored.id,
    mimeType: image.mimeType,
    size: image.bytes.byteLength,
    width: image.width,
    height: image.height,
    thumbnailId: storedThumbnail.id,
    now,
  })
  return {
    mediaId: stored.id,
    mimeType: image.mimeType,
    size: image.bytes.byteLength,
    width: image.width,
    height: image.height,
    converted: image.converted,
  }
}

/**
 * Fetches inbound media into the content-addressed store promptly (webhook media ids expire after
 * 7 days), checking WhatsApp's sha256. A failed download is retried with backoff and can be
 * retried by the user; the message shows "downloading…" or "could not download", never a blank.
 */
export class MediaDownloader {
  private readonly active = new Set<string>()
  private readonly attempts = new Map<string, number>()
  private readonly retryTimers = new Set<() => void>()
  private stopped = false

  constructor(
    private readonly ctx: EngineContext,
    private readonly store: MediaStore,
    private readonly client: () => WhatsAppClient | undefined,
  ) {}

  /** Resumes downloads left unfinished by a previous run. */
  async resumePending(): Promise<void> {
    for (const row of await this.ctx.store.messages.pendingMediaDownloads(200)) if (row.media_state === 'downloading') this.schedule(row.id)
  }

  schedule(messageId: string): void {
    if (this.stopped || this.active.has(messageId)) return
    this.active.add(messageId)
    void this.download(messageId)
      .catch((error: unknown) => {
        // A disk error: the attachment is kept as "could not download — retry", never lost.
        log.error('media download crashed', { messageId, error: error instanceof Error ? error.name : 'unknown' })
        if (!this.stopped) return this.ctx.store.messages.updateMessage(messageId, { mediaState: 'failed', now: this.ctx.clock.now() })
      })
      .catch(() => undefined)
      .finally(() => this.active.delete(messageId))
  }

  async retry(userId: string, messageId: string): Promise<Message> {
    const row = await this.ctx.store.messages.getMessageRow(messageId)
    if (!row) throw new ApiFailure('not_found', engineText('message.notFound'))
    await requireParticipant(this.ctx, row.conversation_id, userId)
    if (!row.provider_media_id || row.media_state === 'ready') throw new ApiFailure('conflict', engineText('picture.nothingToDownload'))
    this.attempts.delete(messageId)
    await this.ctx.store.messages.updateMessage(messageId, { mediaState: 'downloading', now: this.ctx.clock.now() })
    this.ctx.changes.message(messageId, row.conversation_id)
    this.schedule(messageId)
    return (await loadMessages(this.ctx.store, [(await this.ctx.store.messages.getMessageRow(messageId))!]))[0]
  }

  stop(): void {
    this.stopped = true
    // A retry timer firing after close would touch a closed database.
    for (const cancel of this.retryTimers) cancel()
    this.retryTimers.clear()
  }

  /** Resolves when no download is running (for tests). */
  async settled(): Promise<void> {
    while (this.active.size > 0) await new Promise((resolve) => setImmediate(resolve))
  }

  private async download(messageId: string): Promise<void> {
    const row = await this.ctx.store.messages.getMessageRow(messageId)
    const client = this.client()
    if (!row?.provider_media_id || !client) return
    const extra = row.extra ? (JSON.parse(row.extra) as Record<string, unknown>) : {}
    const result = await client.downloadMedia({
      mediaId: row.provider_media_id,
      ...(typeof extra.sha256 === 'string' ? { expectedSha256: extra.sha256 } : {}),
      maxBytes: 100 * 1024 * 1024,
    })
    const now = this.ctx.clock.now()
    if (!result.ok) {
      const attempt = (this.attempts.get(messageId) ?? 0) + 1
      this.attempts.set(messageId, attempt)
      await this.ctx.store.messages.updateMessage(messageId, { mediaState: 'failed', now })
      this.ctx.changes.message(messageId, row.conversation_id)
      log.warn('media download failed', { messageId, kind: result.error.kind, attempt })
      if (attempt < MAX_DOWNLOAD_ATTEMPTS && !this.stopped) {
        const cancel = this.ctx.clock.setTimer(
          () => {
            this.retryTimers.delete(cancel)
            if (!this.stopped) void this.retryLater(messageId, row.conversation_id).catch(() => undefined)
          },
          retryDelayMs(attempt, { random: this.ctx.random, baseMs: 2000 }),
        )
        this.retryTimers.add(cancel)
      }
      return
    }
    const { bytes, mimeType } = result.value
    const stored = await this.store.put(bytes, mimeType)
    let thumbnailId: string | undefined
    if (mimeType.startsWith('image/')) {
      try {
        const thumbnail = await makeThumbnail(bytes)
        const storedThumbnail = await this.store.put(thumbnail.bytes, thumbnail.mimeType)
        await this.ctx.store.media.upsertMedia({
          id: storedThumbnail.id,
          mimeType: thumbnail.mimeType,
          size: thumbnail.bytes.byteLength,
          width: thumbnail.width,
          height: thumbnail.height,
          now,
        })
        thumbnailId = storedThumbnail.id
      } catch {
        // A picture we cannot preview is still kept and offered as a download.
      }
    }
    if (!(await this.ctx.store.media.getMedia(stored.id))) {
      await this.ctx.store.media.upsertMedia({
        id: stored.id,
        mimeType,
        size: bytes.byteLength,
        ...(thumbnailId ? { thumbnailId } : {}),
        now,
      })
    }
    await this.ctx.store.messages.updateMessage(messageId, { mediaId: stored.id, mediaState: 'ready', now })
    this.ctx.changes.message(messageId, row.conversation_id)
  }

  /** A backoff timer fired: download again, unless the user retried meanwhile. */
  private async retryLater(messageId: string, conversationId: string): Promise<void> {
    if ((await this.ctx.store.messages.getMessageRow(messageId))?.media_state !== 'failed') return
    await this.ctx.store.messages.updateMessage(messageId, { mediaState: 'downloading', now: this.ctx.clock.now() })
    this.ctx.changes.message(messageId, conversationId)
    this.schedule(messageId)
  }
}
