import type { MessageRow } from '../../db/repositories/messages'
import { attributed, whatsAppTarget, type SendError, type SendJobDeps, type WhatsAppSendJob } from './send-job'
import type { WhatsAppClient } from '../../whatsapp/client'

/** A picture with its optional caption; the bytes are uploaded once, then sent by media id. */
export const sendImageJob: WhatsAppSendJob = async (deps, { message, contact, extra }) => {
  const caption = attributed(deps.ctx, extra, typeof extra.caption === 'string' ? extra.caption : undefined)
  const mediaId = await uploadedMediaId(deps, message, extra)
  if (!mediaId.ok) return mediaId
  const result = await deps.whatsapp.sendImage({
    ...whatsAppTarget(contact),
    mediaId: mediaId.id,
    ...(caption ? { caption } : {}),
    bizOpaque: message.id,
    ...(message.reply_to_provider_id ? { contextProviderId: message.reply_to_provider_id } : {}),
  })
  return result.ok ? { ok: true, ...result.value } : result
}

async function uploadedMediaId(
  { ctx, media: store, whatsapp }: SendJobDeps & { whatsapp: WhatsAppClient },
  message: MessageRow,
  extra: Record<string, unknown>,
): Promise<{ ok: true; id: string } | { ok: false; error: SendError }> {
  if (typeof extra.providerMediaId === 'string') return { ok: true, id: extra.providerMediaId }
  const media = message.media_id ? await ctx.store.media.getMedia(message.media_id) : undefined
  const bytes = media && (await store?.read(media.id))
  if (!media || !bytes) return { ok: false, error: { kind: 'permanent', reason: 'The picture is missing from this computer' } }
  const uploaded = await whatsapp.uploadMedia({
    bytes,
    mimeType: media.mime_type,
    filename: `${media.id.slice(0, 12)}.${media.mime_type === 'image/png' ? 'png' : 'jpg'}`,
  })
  if (!uploaded.ok) return uploaded
  // Kept so a retry does not upload the same picture again (uploads stay valid for 30 days).
  const updated = { ...extra, providerMediaId: uploaded.value.mediaId }
  await ctx.store.messages.setMessageExtra(message.id, updated)
  return { ok: true, id: uploaded.value.mediaId }
}
