import type { Message } from '../../electron/shared/domain'

/** A message sent this long after it was written waited (consent, the 24-hour window) before going. */
const RELEASED_AFTER_MS = 60_000

/** True for an outbound message that was held and went out later: it shows both times. */
export function wasReleased(message: Message): boolean {
  return message.direction === 'out' && message.sentAt !== undefined && message.sentAt - message.createdAt >= RELEASED_AFTER_MS
}

/** When the WhatsApp user saw the message arrive: its send time if it was held, else when it was written. */
export function shownAt(message: Message): number {
  return wasReleased(message) ? message.sentAt! : message.createdAt
}

/**
 * The thread in the order the WhatsApp user's phone shows it: a held message that went out after
 * the reply that released it sits after that reply, not where it was typed. Everything else keeps
 * its order (by `seq`); only released messages move, each placed before the first message shown
 * later than its send time.
 */
export function inPhoneOrder(items: Message[]): Message[] {
  if (!items.some(wasReleased)) return items
  const ordered = items.filter((m) => !wasReleased(m))
  for (const released of items.filter(wasReleased)) {
    let index = ordered.length
    while (index > 0 && shownAt(ordered[index - 1]) > released.sentAt!) index--
    ordered.splice(index, 0, released)
  }
  return ordered
}
