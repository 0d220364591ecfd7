import { engineMessage } from '../api/error-text'
import { fixedText, t, te } from '../i18n'
import { fullDateTime, listTime } from './useDates'
import type { Channel, Message, MessageStatus } from '../../electron/shared/domain'

/** Ticks and words for an outbound message's status. */
export function statusView(status: MessageStatus): { symbol: string; label: string; tone: string } {
  switch (status) {
    case 'held':
      return { symbol: '⏸', label: t('status.held'), tone: 'wait' }
    case 'queued':
      return { symbol: '🕓', label: t('status.queued'), tone: 'wait' }
    case 'sending':
      return { symbol: '🕓', label: t('status.sending'), tone: 'wait' }
    case 'sent':
      return { symbol: '✓', label: t('status.sent'), tone: 'plain' }
    case 'delivered':
      return { symbol: '✓✓', label: t('status.delivered'), tone: 'plain' }
    case 'read':
      return { symbol: '✓✓', label: t('status.read'), tone: 'read' }
    case 'failed':
      return { symbol: '!', label: t('status.failed'), tone: 'error' }
    case 'cancelled':
      return { symbol: '✕', label: t('status.cancelled'), tone: 'plain' }
    case 'received':
      return { symbol: '', label: t('status.received'), tone: 'plain' }
  }
}

const CHANNEL_KEYS: Record<Channel, string> = { whatsapp: 'channel.whatsapp', sms: 'channel.sms', voicemail: 'channel.voicemail' }

export function channelLabel(channel: Channel): string {
  return fixedText(CHANNEL_KEYS[channel])
}

/** Whole sentences per kind and direction: articles and word order differ between languages. */
const UNSUPPORTED: Partial<Record<Message['kind'], string>> = {
  video: 'placeholder.video',
  audio: 'placeholder.audio',
  document: 'placeholder.document',
  sticker: 'placeholder.sticker',
  location: 'placeholder.location',
  contacts: 'placeholder.contacts',
  unsupported: 'placeholder.unsupported',
}

/** What to show for a kind Greenline cannot display inline. */
export function placeholderText(message: Message): string | undefined {
  const what = UNSUPPORTED[message.kind]
  if (!what) return undefined
  return t(message.direction === 'in' ? 'placeholder.theySent' : 'placeholder.youSent', { what: t(what) })
}

/** A list's time for a row (see useDates.listTime); kept under this name for its callers. */
export function shortTime(at: number, now = Date.now()): string {
  return listTime(at, now)
}

/** Inside a thread the day is in the separator: the time is enough. */
export { timeOfDay as bubbleTime } from './useDates'

export function fullTime(at: number): string {
  return fullDateTime(at)
}

export function formatDuration(ms: number | undefined): string {
  if (!ms) return ''
  const seconds = Math.round(ms / 1000)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

/**
 * A system line ("Priya added Sam") in the active language when the engine stored its code and
 * names (`extra.line`); rows written before that, or with a code this version does not know, keep
 * the English text the engine stored.
 */
export function systemLineText(message: Pick<Message, 'text' | 'extra'>): string {
  const line = message.extra?.line as { code?: unknown; params?: unknown } | undefined
  if (line && typeof line.code === 'string' && te(`systemLine.${line.code}`)) {
    const params: Record<string, unknown> = {}
    const stored = (line.params && typeof line.params === 'object' ? line.params : {}) as Record<string, unknown>
    for (const [name, value] of Object.entries(stored)) {
      // A reason stored as an engine sentence ({ code, params }) is written in this language too.
      const translated = value && typeof value === 'object' ? engineMessage(value) : value
      if (translated === undefined) return message.text ?? ''
      params[name] = translated
    }
    return t(`systemLine.${line.code}`, params)
  }
  return message.text ?? ''
}
