import { fullDateTime, listTime } from './useDates'
import type { Channel, Message, MessageStatus } from '../../electron/shared/domain'

/** Ticks and words for an outbound message's status. */
export function statusView(status: MessageStatus): { symbol: string; label: string; tone: string } {
  switch (status) {
    case 'held':
      return { symbol: '⏸', label: 'Waiting', tone: 'wait' }
    case 'queued':
      return { symbol: '🕓', label: 'Queued', tone: 'wait' }
    case 'sending':
      return { symbol: '🕓', label: 'Sending', tone: 'wait' }
    case 'sent':
      return { symbol: '✓', label: 'Sent', tone: 'plain' }
    case 'delivered':
      return { symbol: '✓✓', label: 'Delivered', tone: 'plain' }
    case 'read':
      return { symbol: '✓✓', label: 'Read', tone: 'read' }
    case 'failed':
      return { symbol: '!', label: 'Failed', tone: 'error' }
    case 'cancelled':
      return { symbol: '✕', label: 'Cancelled', tone: 'plain' }
    case 'received':
      return { symbol: '', label: 'Received', tone: 'plain' }
  }
}

export function channelLabel(channel: Channel): string {
  return channel === 'whatsapp' ? 'WhatsApp' : channel === 'sms' ? 'SMS' : 'Voicemail'
}

const UNSUPPORTED: Partial<Record<Message['kind'], string>> = {
  video: 'a video',
  audio: 'an audio message',
  document: 'a document',
  sticker: 'a sticker',
  location: 'a location',
  contacts: 'a contact card',
  unsupported: 'a message',
}

/** What to show for a kind Greenline cannot display inline. */
export function placeholderText(message: Message): string | undefined {
  const what = UNSUPPORTED[message.kind]
  if (!what) return undefined
  return `${message.direction === 'in' ? 'They sent' : 'Sent'} ${what} that Greenline cannot show here — check it on the phone.`
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
