/** The customer service window: free-form messages may go out this long after the user's last message. */
export const WINDOW_MS = 24 * 60 * 60 * 1000

/**
 * When the window closes, given the WhatsApp user's last inbound message. Only inbound messages
 * count: the platform opens and refreshes the window on their message, never on ours (templates
 * included), so passing an outbound time here would send messages the API rejects with 131047.
 * Returns `undefined` when they have never written.
 */
export function windowClosesAt(lastInboundAt?: number): number | undefined {
  return lastInboundAt === undefined ? undefined : lastInboundAt + WINDOW_MS
}

/** True while free-form messages may be sent; closed from exactly 24 h after the last inbound message. */
export function isWindowOpen(lastInboundAt: number | undefined, now: number): boolean {
  const closesAt = windowClosesAt(lastInboundAt)
  return closesAt !== undefined && now < closesAt
}
