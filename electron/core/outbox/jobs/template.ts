import { whatsAppTarget, type WhatsAppSendJob } from './send-job'

/** A business template an office user chose (`templates:send`), with the values they filled in. */
export const sendTemplateJob: WhatsAppSendJob = async ({ whatsapp }, { message, contact, extra }) => {
  const template = extra.template as { name: string; language: string; params: string[] }
  const result = await whatsapp.sendTemplate({
    ...whatsAppTarget(contact),
    name: template.name,
    language: template.language,
    bodyParams: template.params,
    buttonPayloads: [],
    bizOpaque: message.id,
  })
  return result.ok ? { ok: true, ...result.value } : result
}
