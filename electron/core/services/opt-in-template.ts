import { englishOf, engineText, type EngineText, type EngineTextCode } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { MessageTemplate, OptInTemplateView } from '../../shared/domain'
import { inTransaction, type EngineContext } from '../context'
import { variableCount } from './templates-service'

/** Where the admin's choice is kept (app_state): `{ name, by, at }`. */
const CHOICE_KEY = 'whatsapp.optInTemplate'

interface Choice {
  name: string
  by: string
  at: number
}

async function savedChoice(ctx: EngineContext): Promise<Choice | undefined> {
  const raw = await ctx.store.appState.getState(CHOICE_KEY)
  return raw ? (JSON.parse(raw) as Choice) : undefined
}

/** The opt-in template's name: the one an admin chose, else the configured one (`greenline_opt_in`). */
export async function optInTemplateName(ctx: EngineContext): Promise<string> {
  return (await savedChoice(ctx))?.name ?? ctx.templates.optIn.name
}

/**
 * The translations to try, best first: the contact's language (pt_BR), its base language (pt),
 * the organization's default language (and its base), the configured opt-in language, then English.
 */
export function languageChain(contactLanguage: string | undefined, orgLanguage: string | undefined, configured?: string): string[] {
  const chain: string[] = []
  const add = (code: string | undefined) => {
    if (code && !chain.includes(code)) chain.push(code)
  }
  for (const code of [contactLanguage, orgLanguage]) {
    add(code)
    add(code?.split('_')[0])
  }
  add(configured)
  add('en')
  add('en_US')
  return chain
}

export type OptInPick = { ok: true; name: string; language: string; body?: string } | { ok: false; problem: EngineText }

/**
 * Which translation of the opt-in template a contact gets: the first APPROVED one along
 * `languageChain`, else any approved one (a request in another language beats none). A paused,
 * disabled, rejected or pending translation is never picked. When none is approved, the problem in
 * words; when the account's templates are not known (never read), the configured language, and
 * WhatsApp's own answer decides.
 */
export async function pickOptInTemplate(ctx: EngineContext, contactId: string): Promise<OptInPick> {
  const name = await optInTemplateName(ctx)
  const known = ctx.templates.translations(name)
  const configured = ctx.templates.optIn.name === name ? ctx.templates.optIn.language : undefined
  if (known.length === 0) return { ok: true, name, language: configured ?? ctx.org.defaultLanguage ?? 'en_US' }
  const chain = languageChain((await ctx.store.contacts.getContact(contactId))?.language, ctx.org.defaultLanguage, configured)
  const approved = known.filter((t) => t.status === 'APPROVED').sort((a, b) => a.language.localeCompare(b.language))
  const pick = chain.map((code) => approved.find((t) => t.language === code)).find((t) => t !== undefined) ?? approved[0]
  if (pick) return { ok: true, name, language: pick.language, ...(pick.body ? { body: pick.body } : {}) }
  // Say why with the state of the translation this contact would have had.
  const closest = chain.map((code) => known.find((t) => t.language === code)).find((t) => t !== undefined) ?? known[0]
  return { ok: false, problem: unusableText(closest.status) }
}

const UNUSABLE: Partial<Record<string, EngineTextCode>> = {
  PAUSED: 'optIn.templatePaused',
  DISABLED: 'optIn.templateDisabled',
  REJECTED: 'optIn.templateRejected',
  PENDING: 'optIn.templatePending',
}

/** Why the opt-in template cannot be sent in this WhatsApp state ("… is paused by WhatsApp — ask your admin."). */
function unusableText(status: string): EngineText {
  const code = UNUSABLE[status]
  return code ? engineText(code) : engineText('optIn.templateNotApproved', { status: status.toLowerCase().replace(/_/g, ' ') })
}

/** Why `template` cannot ask for consent: Greenline fills one variable (the business name) and two buttons (Yes, No). */
function unfitReason(name: string, translations: readonly MessageTemplate[]): EngineText | undefined {
  const approved = translations.filter((t) => t.status === 'APPROVED')
  if (approved.length === 0) return engineText('optIn.notApproved', { name })
  for (const t of approved) {
    if (!t.body || variableCount(t.body) !== 1) return engineText('optIn.oneVariable', { name, language: t.language, variable: '{{1}}' })
    if (t.quickReplies && t.quickReplies.length !== 2) return engineText('optIn.twoButtons', { name, language: t.language })
  }
  return undefined
}

/** The opt-in template as admins see it (`templates:optIn`). */
export async function optInTemplateView(ctx: EngineContext): Promise<OptInTemplateView> {
  const choice = await savedChoice(ctx)
  const name = choice?.name ?? ctx.templates.optIn.name
  const translations = ctx.templates.translations(name)
  const unfit = translations.length > 0 ? unfitReason(name, translations) : undefined
  return {
    name,
    source: choice ? 'admin' : 'settings',
    ...(choice ? { chosenBy: choice.by, chosenAt: choice.at } : {}),
    approvedLanguages: translations.filter((t) => t.status === 'APPROVED').map((t) => t.language),
    ...(ctx.org.defaultLanguage ? { defaultLanguage: ctx.org.defaultLanguage } : {}),
    ...(unfit ? { problem: englishOf(unfit), problemText: unfit } : {}),
  }
}

/**
 * An admin makes `name` the opt-in template (`templates:setOptIn`): it must be on the account,
 * approved in at least one language, with one variable and two quick-reply buttons. Kept in the
 * database and audited (who, from, to). Requests already queued keep the translation they were
 * written with. @throws ApiFailure invalid (unknown or unfit template)
 */
export async function chooseOptInTemplate(ctx: EngineContext, actorId: string, name: string): Promise<OptInTemplateView> {
  const translations = ctx.templates.translations(name)
  if (translations.length === 0) throw new ApiFailure('invalid', engineText('optIn.unknownTemplate', { name }))
  const unfit = unfitReason(name, translations)
  if (unfit) throw new ApiFailure('invalid', unfit)
  const before = await optInTemplateName(ctx)
  const now = ctx.clock.now()
  await inTransaction(ctx, async (tx) => {
    await tx.store.appState.setState(CHOICE_KEY, JSON.stringify({ name, by: actorId, at: now } satisfies Choice))
    await tx.store.ledger.appendAudit({ at: now, actorId, action: 'whatsapp.opt_in_template_chosen', detail: { from: before, to: name } })
  })
  return optInTemplateView(ctx)
}
