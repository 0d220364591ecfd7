import type { EngineContext } from '../context'
import { addSystemLine } from '../services/system-lines'

/** What an SMS reply or a carrier error means for consent. */
export type SmsConsentEvent = 'stop' | 'start' | 'help' | 'blocked'

// Twilio's default opt-out, opt-in and help keywords (the carriers' rules in the US and Canada),
// matched on the whole message, case and surrounding spaces ignored.
const KEYWORDS: Record<Exclude<SmsConsentEvent, 'blocked'>, readonly string[]> = {
  stop: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE'],
  start: ['START', 'YES', 'UNSTOP'],
  help: ['HELP', 'INFO'],
}

/**
 * The consent keyword of an inbound SMS, if it is one. Twilio's `OptOutType` (sent when it acted on
 * a keyword itself) wins; otherwise the text is matched, so a provider without it is covered too.
 */
export function smsKeyword(text: string, optOutType?: string): Exclude<SmsConsentEvent, 'blocked'> | undefined {
  const told = optOutType?.trim().toUpperCase()
  if (told === 'STOP') return 'stop'
  if (told === 'START') return 'start'
  if (told === 'HELP') return 'help'
  const word = text.trim().toUpperCase()
  return (Object.keys(KEYWORDS) as Array<keyof typeof KEYWORDS>).find((event) => KEYWORDS[event].includes(word))
}

/** Whether texts to this contact are blocked: their last word on SMS was STOP (or a 21610). */
export async function smsOptedOut(ctx: EngineContext, contactId: string): Promise<boolean> {
  return (await ctx.store.smsConsent.latestSmsConsentState(contactId)) === 'sms_opted_out'
}

const LINES: Record<SmsConsentEvent, (name: string) => string> = {
  stop: (name) => `${name} replied STOP: texts to them are blocked until they text START`,
  start: (name) => `${name} texted START: you can text them again`,
  help: (name) => `${name} asked for help by SMS (HELP); the provider answered with your help message`,
  blocked: (name) => `${name} has opted out of texts (carrier error 21610); they must text START first`,
}

/**
 * Records an SMS consent event in the ledger, with the message that proves it, and says so in the
 * contact's open SMS thread. A repeat of the current state (STOP twice, a 21610 after a STOP) is
 * not recorded again. Call it with `ctx.store` the caller's transaction.
 */
export async function recordSmsConsent(
  ctx: EngineContext,
  contactId: string,
  event: SmsConsentEvent,
  evidenceMessageId?: string,
  detail?: Record<string, unknown>,
): Promise<void> {
  const before = await ctx.store.smsConsent.latestSmsConsentState(contactId)
  const state = event === 'help' ? (before ?? 'sms_opted_in') : event === 'start' ? 'sms_opted_in' : 'sms_opted_out'
  if (event !== 'help' && state === before) return
  if (event === 'start' && before === undefined) return
  await ctx.store.ledger.appendConsentEvent({
    contactId,
    state,
    event: `sms_${event}`,
    at: ctx.clock.now(),
    ...(evidenceMessageId ? { evidenceMessageId } : {}),
    ...(detail ? { detail } : {}),
  })
  const name = (await ctx.store.contacts.getContact(contactId))?.name ?? 'The contact'
  for (const conversationId of await ctx.store.conversations.openConversationIds(contactId, 'sms'))
    await addSystemLine(ctx, conversationId, LINES[event](name), { smsConsent: state }, { code: `sms_${event}`, params: { name } })
}
