import { CONSENT_NO_PAYLOAD, CONSENT_YES_PAYLOAD } from '../../policy/keywords'
import { businessName } from '../../services/consent-service'
import { whatsAppTarget, type WhatsAppSendJob } from './send-job'

/** The opt-in request: the approved template naming the business, with the two consent buttons. */
export const sendOptInJob: WhatsAppSendJob = async ({ ctx, whatsapp, optInTemplate }, { message, contact }) => {
  const result = await whatsapp.sendTemplate({
    ...whatsAppTarget(contact),
    name: optInTemplate.name,
    language: optInTemplate.language,
    bodyParams: [businessName(ctx)],
    buttonPayloads: [CONSENT_YES_PAYLOAD, CONSENT_NO_PAYLOAD],
    bizOpaque: message.id,
  })
  return result.ok ? { ok: true, ...result.value } : result
}
