import type { WhatsAppClient } from '../../whatsapp/client'
import type { SendError } from './send-job'

/**
 * Marks an inbound message (and those before it) as read on the user's phone. Not an outbox
 * row: a lost receipt is resent the next time the thread is opened, so it is never retried.
 */
export async function sendReadReceiptJob(
  whatsapp: WhatsAppClient,
  providerMessageId: string,
): Promise<{ ok: true } | { ok: false; error: SendError }> {
  const result = await whatsapp.markRead(providerMessageId)
  return result.ok ? { ok: true } : result
}
