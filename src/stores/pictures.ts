import { defineStore } from 'pinia'
import { ref } from 'vue'
import { apiLength, WHATSAPP_LIMITS } from '../../electron/shared/message-length'
import { ApiRequestError, call, uploadMedia } from '../api/client'
import { fileLooksLikePicture } from '../composables/pictureSignature'
import { t } from '../i18n'
import { errorText } from './conversations'

/** WhatsApp's caption limit. */
export const CAPTION_MAX = WHATSAPP_LIMITS.caption
/** The engine refuses uploads over 50 MB; checking first spares reading a huge file into memory. */
const MAX_PICK_BYTES = 50 * 1024 * 1024

export type PictureState = 'ready' | 'preparing' | 'uploading' | 'prepared' | 'sending' | 'sent' | 'failed'

export interface PendingPicture {
  key: string
  name: string
  file: Blob
  /** Object URL for the tray thumbnail; revoked when the picture leaves the tray. */
  previewUrl: string
  state: PictureState
  error?: string
  /** The engine's prepared picture once uploaded: a retried Send does not upload it again. */
  mediaId?: string
  converted?: boolean
  /** Makes a repeated send of the same picture idempotent in the engine. */
  clientId: string
  /** Refused before upload (empty, too large, not a picture): never sent, not counted; only removing it helps. */
  refused?: boolean
  /** The engine's error code when preparing failed: `invalid` means this file will never do. */
  errorCode?: string
}

export interface Tray {
  pictures: PendingPicture[]
  caption: string
  busy: boolean
  /** A problem with the tray as a whole (lexicon warning, lost connection). */
  error?: string
  /** The caption drew a lexicon warning: Send again confirms it. */
  confirmWarning?: boolean
}

const STATE_LABELS: Record<PictureState, string> = {
  ready: 'pictures.state.ready',
  preparing: 'pictures.state.preparing',
  uploading: 'pictures.state.uploading',
  prepared: 'pictures.state.prepared',
  sending: 'pictures.state.sending',
  sent: 'pictures.state.sent',
  failed: 'pictures.state.failed',
}

export function pictureStateLabel(state: PictureState): string {
  return t(STATE_LABELS[state])
}

let nextKey = 1

/**
 * Pictures waiting in a conversation's preview tray, and sending them: every picture is prepared
 * by the engine first (type from the bytes, converted, shrunk); only when all of them are good is
 * each one sent as its own message, in order, so a bad file never leaves half a batch sent.
 */
export const usePicturesStore = defineStore('pictures', () => {
  const trays = ref<Record<string, Tray>>({})

  function tray(conversationId: string): Tray {
    trays.value[conversationId] ??= { pictures: [], caption: '', busy: false }
    return trays.value[conversationId]
  }

  /**
   * Puts files in the tray and checks each one as it comes (empty, over 50 MB, not a picture by its
   * opening bytes), so a file that cannot go is marked at once and never holds up the others.
   * Resolves with how many were added once every check is done.
   */
  async function add(conversationId: string, files: Iterable<Blob>): Promise<number> {
    const current = tray(conversationId)
    const checks: Array<Promise<void>> = []
    let added = 0
    for (const file of files) {
      const name = file instanceof File && file.name ? file.name : t('pictures.pasted')
      const picture: PendingPicture = {
        key: `p${nextKey++}`,
        name,
        file,
        previewUrl: URL.createObjectURL(file),
        state: 'ready',
        clientId: crypto.randomUUID(),
      }
      if (file.size === 0) Object.assign(picture, { state: 'failed', error: t('pictures.empty'), refused: true })
      else if (file.size > MAX_PICK_BYTES) Object.assign(picture, { state: 'failed', error: t('pictures.tooLarge'), refused: true })
      current.pictures.push(picture)
      if (!picture.refused) checks.push(checkSignature(current.pictures[current.pictures.length - 1]))
      added++
    }
    current.error = undefined
    current.confirmWarning = undefined
    await Promise.all(checks)
    return added
  }

  async function checkSignature(picture: PendingPicture): Promise<void> {
    let isPicture: boolean
    try {
      isPicture = await fileLooksLikePicture(picture.file)
    } catch {
      isPicture = false
    }
    if (isPicture || picture.mediaId) return
    Object.assign(picture, {
      state: 'failed',
      error: t('pictures.notAPicture'),
      refused: true,
    })
  }

  function remove(conversationId: string, key: string): void {
    const current = tray(conversationId)
    const picture = current.pictures.find((p) => p.key === key)
    if (!picture || current.busy) return
    URL.revokeObjectURL(picture.previewUrl)
    current.pictures = current.pictures.filter((p) => p.key !== key)
    if (current.pictures.length === 0) clear(conversationId)
  }

  function clear(conversationId: string): void {
    const current = trays.value[conversationId]
    if (!current || current.busy) return
    for (const picture of current.pictures) URL.revokeObjectURL(picture.previewUrl)
    delete trays.value[conversationId]
  }

  async function prepare(picture: PendingPicture): Promise<boolean> {
    if (picture.mediaId) return true
    if (picture.refused) return false
    try {
      picture.state = 'preparing'
      picture.error = undefined
      picture.errorCode = undefined
      picture.state = 'uploading'
      const uploaded = await uploadMedia(picture.file, picture.name.slice(0, 300))
      picture.mediaId = uploaded.mediaId
      picture.converted = uploaded.converted
      picture.state = 'prepared'
      return true
    } catch (e) {
      picture.state = 'failed'
      picture.error = errorText(e)
      picture.errorCode = e instanceof ApiRequestError ? e.error.code : undefined
      return false
    }
  }

  /** Sends the tray; resolves true when every picture went out (the tray is then emptied). */
  async function send(conversationId: string): Promise<boolean> {
    const current = tray(conversationId)
    if (current.busy || current.pictures.length === 0) return false
    if (apiLength(current.caption) > CAPTION_MAX) {
      current.error = t('pictures.captionTooLong', { max: CAPTION_MAX })
      return false
    }
    current.busy = true
    current.error = undefined
    try {
      // A file refused when it was added stays out of the batch; it does not hold up the others.
      const waiting = current.pictures.filter((p) => p.state !== 'sent' && !p.refused)
      if (waiting.length === 0) {
        current.error = t('pictures.nothingSendable')
        return false
      }
      // One at a time: a few large photos at once would weigh on both processes.
      let allPrepared = true
      for (const picture of waiting) if (!(await prepare(picture))) allPrepared = false
      if (!allPrepared) {
        const refusedFile = waiting.some((p) => p.errorCode === 'invalid')
        current.error = refusedFile ? t('pictures.refused') : t('pictures.retry')
        return false
      }
      const caption = current.caption.trim()
      // The caption belongs to the first picture that goes (a retry after a partial send does not repeat it).
      const first = current.pictures.find((p) => !p.refused)
      for (const picture of waiting) {
        picture.state = 'sending'
        try {
          await call('messages:send', {
            conversationId,
            mediaId: picture.mediaId!,
            clientId: picture.clientId,
            ...(caption && picture === first ? { caption } : {}),
            ...(current.confirmWarning ? { confirmWarning: true } : {}),
          })
          picture.state = 'sent'
        } catch (e) {
          picture.state = 'failed'
          picture.error = errorText(e)
          const details = e instanceof ApiRequestError ? (e.error.details as { lexicon?: string } | undefined) : undefined
          if (e instanceof ApiRequestError && e.error.code === 'conflict' && details?.lexicon === 'warn') {
            picture.state = 'prepared'
            picture.error = undefined
            current.error = t('pictures.sendAnyway', { warning: `${e.error.message.replace(/[.!?]$/, '')}.` })
            current.confirmWarning = true
          }
          return false
        }
      }
      current.busy = false
      clear(conversationId)
      return true
    } finally {
      if (trays.value[conversationId]) current.busy = false
    }
  }

  /** The pictures of a tray that will go on Send (refused files are not counted). */
  function sendable(conversationId: string): number {
    return trays.value[conversationId]?.pictures.filter((p) => !p.refused && p.state !== 'sent').length ?? 0
  }

  return { trays, tray, add, remove, clear, send, sendable }
})
