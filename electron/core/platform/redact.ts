/**
 * What a log line must never carry: message text, phone numbers, tokens and secrets. Logs leave
 * the machine (a user sends them to support), so everything written goes through here first.
 * Pure functions; the logger applies them to the message and to every field.
 */

export const REDACTED = '[redacted]'

/**
 * Field names whose value is dropped whatever it looks like: message text and the things a
 * person typed, credentials, and contact addresses. Compared case-insensitively, ignoring `_`/`-`.
 */
const SENSITIVE_KEYS = new Set([
  'body',
  'text',
  'caption',
  'content',
  'preview',
  'snippet',
  'messagetext',
  'reply',
  'draft',
  'filename',
  'password',
  'passphrase',
  'authorization',
  'cookie',
  'setcookie',
  'phone',
  'phonenumber',
  'e164',
  'waid',
  'msisdn',
  'email',
])
/** Any key ending like these is a credential: accessToken, appSecret, apiKey, refresh_token… */
const SENSITIVE_SUFFIXES = ['token', 'secret', 'password', 'apikey', 'credential', 'credentials', 'signature']

export function isSensitiveKey(key: string): boolean {
  const normal = key.toLowerCase().replace(/[_-]/g, '')
  return SENSITIVE_KEYS.has(normal) || SENSITIVE_SUFFIXES.some((suffix) => normal.endsWith(suffix))
}

// `Bearer …` / `Basic …` whatever follows; Meta's access tokens (EAA…); JWTs; then any long opaque
// run of letters and digits (hex secrets, base64url tokens). UUIDs (our ids) are kept: they are how
// support finds a message without seeing it.
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g
const META_TOKEN = /\bEAA[A-Za-z0-9]{20,}/g
const OPAQUE = /[A-Za-z0-9_-]{24,}/g
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SECRET_QUERY = /([?&](?:access_token|token|hub\.verify_token|key|secret|signature|code)=)[^&\s#]+/gi
// A phone number: `+` and 7–15 digits (spaces, dots, dashes, brackets between), or a bare run of
// 8–15 digits (WhatsApp ids are E.164 without the `+`). The last two digits stay, so two numbers
// in one report can still be told apart.
const PHONE = /(?<![\w])(?:\(?\+[\s.(-]*\d(?:[\s.()-]*\d){6,14}|\d{8,15})(?![\w])/g

function keepLastTwo(match: string): string {
  const digits = match.replace(/\D/g, '')
  return `+[phone …${digits.slice(-2)}]`
}

function opaque(match: string): string {
  if (UUID.test(match)) return match
  // Words and identifiers (snake_case, kebab-case names) are not secrets: a secret mixes digits in.
  return /\d/.test(match) && /[A-Za-z]/.test(match) ? REDACTED : match
}

/** Removes tokens, secrets and phone numbers from free text (log messages, error messages, URLs). */
export function redactText(text: string): string {
  return text
    .replace(SECRET_QUERY, `$1${REDACTED}`)
    .replace(AUTH_HEADER, `$1 ${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(META_TOKEN, REDACTED)
    .replace(OPAQUE, opaque)
    .replace(PHONE, keepLastTwo)
}

/**
 * A copy of `value` safe to log: sensitive keys dropped, strings scrubbed, errors reduced to their
 * name, scrubbed message and stack. Cycles and very deep nesting end as `[…]`.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value)
  if (value === null || typeof value !== 'object') return value
  if (depth > 6 || seen.has(value)) return '[…]'
  seen.add(value)
  if (value instanceof Error) {
    const error: Record<string, unknown> = { type: value.name, message: redactText(value.message) }
    if (value.stack) error.stack = redactText(value.stack)
    const code = (value as { code?: unknown }).code
    if (code !== undefined) error.code = redactValue(code, depth + 1, seen)
    return error
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen))
  if (value instanceof Date) return value.toISOString()
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) && item !== undefined && item !== null ? REDACTED : redactValue(item, depth + 1, seen)
  }
  return out
}

/** `redactValue` for a log line's fields object. */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redactValue(fields) as Record<string, unknown>
}
