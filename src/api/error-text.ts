import type { ApiError } from '../../electron/shared/api/result'
import { t, te } from '../i18n'

/**
 * The engine rejects a malformed request with a developer's sentence ("Invalid contacts:create
 * request: name: A name is required"). People should never read that: keep the schema's own
 * message when it was written for people, otherwise say plainly that something entered is not
 * valid. The issues stay in `details` so a form can put the message beside its field.
 */
const INTERNAL = /^Invalid [\w:-]+ request: /

interface Issue {
  path: string[]
  message: string
}

export function requestIssues(error: ApiError | undefined): Issue[] {
  const issues = (error?.details as { issues?: unknown } | undefined)?.issues
  return Array.isArray(issues) ? (issues as Issue[]).filter((i) => i && typeof i.message === 'string' && Array.isArray(i.path)) : []
}

/** A schema message written for people starts with a capital letter and names no types. */
function isHuman(message: string): boolean {
  return /^[A-Z]/.test(message) && !/\b(expected|received|string|number|undefined|NaN|regex|enum|Invalid input)\b/i.test(message)
}

interface EngineTextLike {
  code: string
  params?: Record<string, unknown>
}

function isEngineText(value: unknown): value is EngineTextLike {
  const text = value as EngineTextLike | undefined
  // Engine codes are namespaced ("contact.phoneTaken"): a bare word never picks a window's own errors.* text.
  return typeof text?.code === 'string' && text.code.includes('.') && (text.params === undefined || typeof text.params === 'object')
}

/**
 * An engine sentence (a code and its values, electron/shared/api/engine-text.ts) in the active
 * language from `errors.<code>`; a value that is itself such a sentence is translated too.
 * Undefined when this version does not know a code (a newer server): show the English then.
 */
export function engineMessage(text: unknown): string | undefined {
  if (!isEngineText(text) || !te(`errors.${text.code}`)) return undefined
  const params: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(text.params ?? {})) {
    if (value && typeof value === 'object') {
      const inner = engineMessage(value)
      if (inner === undefined) return undefined
      params[name] = inner
    } else params[name] = value
  }
  return t(`errors.${text.code}`, params)
}

/** The message to show: the engine's sentence in the user's language, else a plain fallback for validation texts. */
export function readableError(error: ApiError): ApiError {
  const translated = engineMessage(error.text)
  if (translated !== undefined) return { ...error, message: translated }
  if (error.code !== 'invalid' || !INTERNAL.test(error.message)) return error
  const first = requestIssues(error)[0]
  const fromMessage = error.message.replace(INTERNAL, '').replace(/^[\w.]+: /, '')
  const candidate = first?.message ?? fromMessage
  const message = isHuman(candidate) ? candidate.replace(/([^.!?])$/, '$1.') : t('errors.invalid')
  return { ...error, message }
}
