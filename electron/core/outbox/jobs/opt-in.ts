import { CONSENT_NO_PAYLOAD, CONSENT_YES_PAYLOAD } from '../../policy/keywords'
import { businessName } from '../../services/consent-service'
import { whatsAppTarget, type WhatsAppSendJob } from './send-job'

/**
 * The opt-in request: the approved template naming the business, with the two consent buttons, in
 * the translation picked for the contact when it was written (older rows: the configured one).
 */
export const sendOptInJob: WhatsAppSendJob = async ({ ctx, whatsapp, optInTemplate }, { message, contact, extra }) => {
  const template = isTemplateRef(extra.optIn) ? extra.optIn : optInTemplate
  const result = await whatsapp.sendTemplate({
    ...whatsAppTarget(contact),
    name: template.name,
    language: template.language,
    bodyParams: [businessName(ctx)],
    buttonPayloads: [CONSENT_YES_PAYLOAD, CONSENT_NO_PAYLOAD],
    bizOpaque: message.id,
  })
  return result.ok ? { ok: true, ...result.value } : result
}

function isTemplateRef(value: unknown): value is { name: string; language: string } {
  const ref = value as { name?: unknown; language?: unknown } | undefined
  return typeof ref?.name === 'string' && typeof ref.language === 'string'
}
