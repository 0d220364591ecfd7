import type { ApiError } from '../../electron/shared/api/result'
import { t } from '../i18n'

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

export function readableError(error: ApiError): ApiError {
  if (error.code !== 'invalid' || !INTERNAL.test(error.message)) return error
  const first = requestIssues(error)[0]
  const fromMessage = error.message.replace(INTERNAL, '').replace(/^[\w.]+: /, '')
  const candidate = first?.message ?? fromMessage
  const message = isHuman(candidate) ? candidate.replace(/([^.!?])$/, '$1.') : t('errors.invalid')
  return { ...error, message }
}
