/**
 * Languages as WhatsApp names a template's translation: `pt_BR`, `pt`, `en_US`, `fil`. A contact's
 * language and the organization's default are kept in this form, so they compare with the
 * account's templates as they are.
 */
export const LANGUAGE_CODE = /^[a-z]{2,3}(_[A-Z]{2})?$/

/**
 * `pt-BR`, `pt_br`, `PT` → `pt_BR`, `pt_BR`, `pt`: what people and spreadsheets write, in WhatsApp's
 * form. Undefined for anything else (a language name such as "Portuguese", a typo).
 */
export function normalizeLanguage(input: string): string | undefined {
  const match = /^([a-z]{2,3})(?:[-_]([a-z]{2}))?$/i.exec(input.trim())
  if (!match) return undefined
  return match[2] ? `${match[1].toLowerCase()}_${match[2].toUpperCase()}` : match[1].toLowerCase()
}
