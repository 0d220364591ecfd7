import type { MessageTemplate } from '../../shared/domain'
import type { EngineContext } from '../context'
import { createLogger } from '../platform/logger'
import type { TemplateUpdate } from '../whatsapp/webhook-types'

const log = createLogger('templates')

export interface TemplateRef {
  name: string
  language: string
}

const key = (name: string, language: string) => `${name}:${language}`

/**
 * What Greenline knows of the business account's templates: read from WhatsApp at start and on
 * `templates:list`, then kept current by `message_template_status_update` webhooks. Used to refuse
 * a consent request WhatsApp would refuse anyway (and say why), and to show the approved text.
 * An unknown template is assumed usable: WhatsApp's own answer then decides.
 */
export class TemplateStates {
  private readonly byKey = new Map<string, MessageTemplate>()

  /** `optIn`: the configured opt-in template (an admin's choice wins over it: see opt-in-template.ts). */
  constructor(public optIn: TemplateRef) {}

  /** Replaces what is known with a fresh read of the account's templates. */
  replaceAll(templates: readonly MessageTemplate[]): void {
    this.byKey.clear()
    for (const template of templates) this.byKey.set(key(template.name, template.language), { ...template })
  }

  /** A status webhook: every known language of `name` when `language` is absent. */
  setStatus(name: string, language: string | undefined, status: string): void {
    const known = [...this.byKey.values()].filter((t) => t.name === name && (language === undefined || t.language === language))
    for (const template of known) template.status = status
    if (known.length === 0 && language) this.byKey.set(key(name, language), { name, language, status, category: '' })
  }

  /** A quality webhook: the rating WhatsApp gives the template (GREEN, YELLOW, RED). */
  setQuality(name: string, language: string | undefined, quality: string): void {
    for (const template of this.byKey.values())
      if (template.name === name && (language === undefined || template.language === language)) template.quality = quality
  }

  get(name: string, language: string): MessageTemplate | undefined {
    return this.byKey.get(key(name, language))
  }

  /** Every known language of the template `name`, whatever its state. */
  translations(name: string): MessageTemplate[] {
    return [...this.byKey.values()].filter((t) => t.name === name)
  }
}

/** A template status or quality webhook: the state is kept, logged and audited. Call inside a transaction. */
export async function applyTemplateUpdate(ctx: EngineContext, update: TemplateUpdate): Promise<void> {
  if (update.status) ctx.templates.setStatus(update.name, update.language, update.status)
  if (update.quality) ctx.templates.setQuality(update.name, update.language, update.quality)
  log.warn('template changed in WhatsApp', { ...update })
  await ctx.store.ledger.appendAudit({ at: ctx.clock.now(), action: 'whatsapp.template_changed', detail: { ...update } })
}
