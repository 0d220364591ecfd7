import { z } from 'zod'
import { ENGINE_TEXTS, type EngineText, storedReasonText } from '../../shared/api/engine-text'

/**
 * What went wrong with a WhatsApp request, in the terms the outbox, the policy and the office user
 * care about. Decided from Meta's numeric `code` (Meta says not to rely on HTTP statuses), with the
 * HTTP status only as a fallback when the body carries no code.
 */
export type WhatsAppErrorKind =
  'window_closed' | 'not_on_whatsapp' | 'rate_limited' | 'auth' | 'invalid' | 'template' | 'transient' | 'permanent'

export interface WhatsAppError {
  kind: WhatsAppErrorKind
  /** Meta's error code, when there was one. */
  code?: number
  /** A plain-language sentence an office user can read. */
  reason: string
  /** How long to wait before trying again, for `rate_limited` (and `transient` with Retry-After). */
  retryAfterMs?: number
  /** Meta's `error_data.details` or a technical note; never a message body or a token. */
  details?: string
  httpStatus?: number
}

/** Kinds the outbox should retry with backoff; everything else needs a person or a policy change. */
export function isRetryableError(error: WhatsAppError): boolean {
  return error.kind === 'transient' || error.kind === 'rate_limited'
}

/** Throughput (130429) clears within about a second at 80 messages/s. */
export const THROUGHPUT_RETRY_MS = 1_000
/** Pair limit (131056): one message every 6 s to the same WhatsApp user. */
export const PAIR_LIMIT_RETRY_MS = 6_000
/** Graph call limits (4, 80007) are counted per hour, so back off for a minute. */
export const CALL_LIMIT_RETRY_MS = 60_000

interface CodeRule {
  kind: WhatsAppErrorKind
  reason: string
  retryAfterMs?: number
}

const WINDOW_CLOSED_REASON = ENGINE_TEXTS['whatsapp.windowClosed']

const RULES: ReadonlyMap<number, CodeRule> = new Map<number, CodeRule>([
  [131047, { kind: 'window_closed', reason: WINDOW_CLOSED_REASON }],
  [470, { kind: 'window_closed', reason: WINDOW_CLOSED_REASON }],
  [131026, { kind: 'not_on_whatsapp', reason: ENGINE_TEXTS['whatsapp.cannotReceive'] }],
  [
    130429,
    {
      kind: 'rate_limited',
      reason: ENGINE_TEXTS['whatsapp.busy'],
      retryAfterMs: THROUGHPUT_RETRY_MS,
    },
  ],
  [
    131056,
    {
      kind: 'rate_limited',
      reason: ENGINE_TEXTS['whatsapp.pairLimit'],
      retryAfterMs: PAIR_LIMIT_RETRY_MS,
    },
  ],
  [
    4,
    {
      kind: 'rate_limited',
      reason: ENGINE_TEXTS['whatsapp.tooManyRequests'],
      retryAfterMs: CALL_LIMIT_RETRY_MS,
    },
  ],
  [
    80007,
    {
      kind: 'rate_limited',
      reason: ENGINE_TEXTS['whatsapp.requestLimit'],
      retryAfterMs: CALL_LIMIT_RETRY_MS,
    },
  ],
  [0, { kind: 'auth', reason: ENGINE_TEXTS['whatsapp.signInRefused'] }],
  [190, { kind: 'auth', reason: ENGINE_TEXTS['whatsapp.tokenExpired'] }],
  [10, { kind: 'auth', reason: ENGINE_TEXTS['whatsapp.missingPermission'] }],
  [3, { kind: 'auth', reason: ENGINE_TEXTS['whatsapp.notAllowed'] }],
  [131005, { kind: 'auth', reason: ENGINE_TEXTS['whatsapp.accessRefused'] }],
  [100, { kind: 'invalid', reason: ENGINE_TEXTS['whatsapp.invalidPart'] }],
  [131008, { kind: 'invalid', reason: ENGINE_TEXTS['whatsapp.missingField'] }],
  [
    131009,
    {
      kind: 'invalid',
      reason: ENGINE_TEXTS['whatsapp.invalidValue'],
    },
  ],
  [131051, { kind: 'invalid', reason: ENGINE_TEXTS['whatsapp.unsupportedMessage'] }],
  [131053, { kind: 'invalid', reason: ENGINE_TEXTS['whatsapp.unsupportedFile'] }],
  [131021, { kind: 'invalid', reason: ENGINE_TEXTS['whatsapp.toItself'] }],
  [132000, { kind: 'template', reason: ENGINE_TEXTS['whatsapp.templateFieldCount'] }],
  [132001, { kind: 'template', reason: ENGINE_TEXTS['whatsapp.templateMissing'] }],
  [132005, { kind: 'template', reason: ENGINE_TEXTS['whatsapp.templateTooLong'] }],
  [132007, { kind: 'template', reason: ENGINE_TEXTS['whatsapp.templateContentRule'] }],
  [132012, { kind: 'template', reason: ENGINE_TEXTS['whatsapp.templateFieldFormat'] }],
  [132015, { kind: 'template', reason: ENGINE_TEXTS['whatsapp.templatePaused'] }],
  [132016, { kind: 'template', reason: ENGINE_TEXTS['whatsapp.templateDisabled'] }],
  [131000, { kind: 'transient', reason: ENGINE_TEXTS['whatsapp.unexpected'] }],
  [131016, { kind: 'transient', reason: ENGINE_TEXTS['whatsapp.unavailable'] }],
  [1, { kind: 'transient', reason: ENGINE_TEXTS['whatsapp.cannotHandle'] }],
  [2, { kind: 'transient', reason: ENGINE_TEXTS['whatsapp.down'] }],
  [133004, { kind: 'transient', reason: ENGINE_TEXTS['whatsapp.unavailable'] }],
  [131057, { kind: 'transient', reason: ENGINE_TEXTS['whatsapp.maintenance'] }],
  [131048, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.spamLimited'] }],
  [131049, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.heldBack'] }],
  [131050, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.stoppedMarketing'] }],
  [
    131052,
    {
      kind: 'permanent',
      reason: ENGINE_TEXTS['whatsapp.fileNotPassed'],
    },
  ],
  [131060, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.cannotShow'] }],
  [130403, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.blockedByUs'] }],
  [130472, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.experiment'] }],
  [130497, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.country'] }],
  [131030, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.testNumber'] }],
  [131031, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.accountLocked'] }],
  [131037, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.noDisplayName'] }],
  [131042, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.billing'] }],
  [131045, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.numberNotRegistered'] }],
  [131063, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.marketingOff'] }],
  [131064, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.templateViolations'] }],
  [133010, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.numberNotOnPlatform'] }],
  [368, { kind: 'permanent', reason: ENGINE_TEXTS['whatsapp.accountRestricted'] }],
])

const GENERIC_REASON: Record<WhatsAppErrorKind, string> = {
  window_closed: WINDOW_CLOSED_REASON,
  not_on_whatsapp: ENGINE_TEXTS['whatsapp.cannotReceiveAny'],
  rate_limited: ENGINE_TEXTS['whatsapp.slowDown'],
  auth: ENGINE_TEXTS['whatsapp.accountNotAccepted'],
  invalid: ENGINE_TEXTS['whatsapp.invalidPart'],
  template: ENGINE_TEXTS['whatsapp.templateRejected'],
  transient: ENGINE_TEXTS['whatsapp.unreachable'],
  permanent: ENGINE_TEXTS['whatsapp.couldNotSend'],
}

function ruleForCode(code: number): CodeRule {
  const known = RULES.get(code)
  if (known) return known
  if (code >= 200 && code <= 299) return { kind: 'auth', reason: ENGINE_TEXTS['whatsapp.apiPermission'] }
  if (code >= 132000 && code <= 132999) return { kind: 'template', reason: GENERIC_REASON.template }
  return { kind: 'permanent', reason: GENERIC_REASON.permanent }
}

const code = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)])
const errorObject = z.looseObject({
  code,
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
})
const graphBody = z.looseObject({ error: errorObject })

function ruleForHttpStatus(status: number | undefined): CodeRule {
  if (status === undefined) return { kind: 'transient', reason: GENERIC_REASON.transient }
  if (status >= 500 || status === 408) return { kind: 'transient', reason: GENERIC_REASON.transient }
  if (status === 429) return { kind: 'rate_limited', reason: GENERIC_REASON.rate_limited, retryAfterMs: THROUGHPUT_RETRY_MS }
  if (status === 401 || status === 403) return { kind: 'auth', reason: GENERIC_REASON.auth }
  return { kind: 'permanent', reason: GENERIC_REASON.permanent }
}

export interface MapGraphErrorOptions {
  /** The HTTP `Retry-After` header, if the response had one. */
  retryAfter?: string | null
  /** Current time (ms), only needed to honour an HTTP-date `Retry-After`. */
  now?: number
}

/**
 * Turns a Graph error response (`{ error: { code, … } }`) or a webhook error object
 * (`{ code, title, message, error_data: { details } }`) into a `WhatsAppError`. Never throws: an
 * unreadable body falls back to the HTTP status (5xx and no status at all → `transient`).
 */
export function mapGraphError(body: unknown, httpStatus?: number, options: MapGraphErrorOptions = {}): WhatsAppError {
  const wrapped = graphBody.safeParse(body)
  const parsed = wrapped.success ? { success: true as const, data: wrapped.data.error } : errorObject.safeParse(body)
  const retryAfterMs = parseRetryAfter(options.retryAfter, options.now)

  let error: WhatsAppError
  if (parsed.success) {
    const rule = ruleForCode(parsed.data.code)
    error = { kind: rule.kind, code: parsed.data.code, reason: rule.reason }
    if (rule.retryAfterMs !== undefined) error.retryAfterMs = rule.retryAfterMs
    const details = parsed.data.error_data?.details ?? parsed.data.message ?? parsed.data.title
    if (details) error.details = details
  } else {
    const rule = ruleForHttpStatus(httpStatus)
    error = { kind: rule.kind, reason: rule.reason }
    if (rule.retryAfterMs !== undefined) error.retryAfterMs = rule.retryAfterMs
    if (httpStatus !== undefined) error.details = `HTTP ${httpStatus} without a WhatsApp error body`
  }
  if (httpStatus !== undefined) error.httpStatus = httpStatus
  if (retryAfterMs !== undefined && (error.kind === 'rate_limited' || error.kind === 'transient')) {
    error.retryAfterMs = retryAfterMs
  }
  return error
}

/** Seconds or an HTTP date; an HTTP date is ignored without `now` (logic never reads the wall clock). */
function parseRetryAfter(header: string | null | undefined, now: number | undefined): number | undefined {
  if (!header) return undefined
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  if (now === undefined) return undefined
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/**
 * A request that never got a WhatsApp answer (refused connection, DNS, reset, timeout). Always
 * `transient`; `details` names the error class or code, never a URL with secrets or a body.
 */
export function networkError(err: unknown): WhatsAppError {
  const name = err instanceof Error ? err.name : undefined
  // undici wraps the socket error (ECONNREFUSED, ENOTFOUND, …) in `cause`.
  const errno = errorCode(err instanceof Error ? err.cause : undefined) ?? errorCode(err)
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { kind: 'transient', reason: ENGINE_TEXTS['whatsapp.noAnswerInTime'], details: name }
  }
  return {
    kind: 'transient',
    reason: ENGINE_TEXTS['whatsapp.networkDown'],
    details: errno ?? name ?? 'network error',
  }
}

function errorCode(value: unknown): string | undefined {
  const code = typeof value === 'object' && value !== null ? (value as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : undefined
}

/**
 * A stored WhatsApp failure (a message's error, the account pause) as an engine text, while the
 * stored words are still one of the catalogue's (a row written by an older version keeps its English).
 */
export function whatsAppReasonText(code: number | null | undefined, reason: string | null | undefined): EngineText | undefined {
  return storedReasonText(code, reason)
}
