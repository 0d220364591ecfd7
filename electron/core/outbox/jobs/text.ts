import { attributed, whatsAppTarget, type WhatsAppSendJob } from './send-job'

/** A free-form text, attributed when several office users share the thread. */
export const sendTextJob: WhatsAppSendJob = async ({ ctx, whatsapp }, { message, contact, extra }) => {
  const result = await whatsapp.sendText({
    ...whatsAppTarget(contact),
    text: attributed(ctx, extra, message.body ?? '')!,
    bizOpaque: message.id,
    ...(message.reply_to_provider_id ? { contextProviderId: message.reply_to_provider_id } : {}),
  })
  return result.ok ? { ok: true, ...result.value } : result
}
