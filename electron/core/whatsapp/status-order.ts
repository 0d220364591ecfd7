/** A status WhatsApp reports for a message we sent. */
export type ProviderStatus = 'sent' | 'delivered' | 'read' | 'failed' | 'played'

/** Our stored status of an outbound message (API.md), plus `played` for voice notes. */
export type OutboundStatus = 'held' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed' | 'cancelled' | 'received'

// Progress of a message that reached WhatsApp; a status only ever moves to a higher rank.
const PROGRESS: Record<string, number> = {
  held: 0,
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  played: 5,
}

/**
 * Whether a status webhook should replace the stored status. Webhooks arrive late, twice and out
 * of order, so:
 * - progress never moves backwards: sent < delivered < read < played (a voice note is played after
 *   it is read); a repeat of the current status is not applied again;
 * - `read` may arrive without `delivered` (Meta skips it when a message is read at once);
 * - `failed` applies only before delivery (held, queued, sending, sent); after delivered, read or
 *   played the person has the message, so a late `failed` (another device) is ignored;
 * - after `failed`, only proof of arrival (delivered, read, played) applies; a late `sent` does not;
 * - `cancelled` messages take proof that they went out anyway (a send that raced the cancel), but
 *   not `failed`, which would only turn a deliberate cancel into an alarming red mark;
 * - inbound (`received`) messages never take outbound statuses.
 * Pure; unknown stored statuses never take updates.
 */
export function shouldApplyStatus(current: OutboundStatus, incoming: ProviderStatus): boolean {
  if (current === 'received') return false
  if (incoming === 'failed') return current === 'held' || current === 'queued' || current === 'sending' || current === 'sent'
  const target = PROGRESS[incoming]
  if (current === 'failed') return target >= PROGRESS.delivered
  if (current === 'cancelled') return true
  const rank = PROGRESS[current]
  if (rank === undefined) return false
  return target > rank
}
