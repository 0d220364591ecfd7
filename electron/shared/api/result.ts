import { englishOf, type EngineText, type WireText } from './engine-text'

/** Every request's answer crosses the boundary as data, never as a thrown error. */
export const ERROR_CODES = ['invalid', 'not_found', 'forbidden', 'conflict', 'unavailable', 'internal'] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ApiError {
  code: ErrorCode
  message: string
  /** Optional machine-readable details, e.g. which field was invalid. */
  details?: unknown
  /**
   * The message as a code and its values (engine-text.ts), so a window writes it in its user's
   * language; `message` is the same sentence in English for logs, scripts and older windows.
   */
  text?: WireText
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = (code: ErrorCode, message: string | EngineText, details?: unknown): { ok: false; error: ApiError } => ({
  ok: false,
  error: {
    code,
    ...(typeof message === 'string' ? { message } : { message: englishOf(message), text: message }),
    ...(details === undefined ? {} : { details }),
  },
})

/**
 * Thrown inside the engine to end a request with a specific code; the dispatcher turns it into data.
 * Give the sentence as an EngineText (`engineText('contact.phoneTaken', { phone, name })`) so each
 * window can translate it; `message` is then its English.
 */
export class ApiFailure extends Error {
  readonly text: EngineText | undefined

  constructor(
    readonly code: ErrorCode,
    message: string | EngineText,
    readonly details?: unknown,
  ) {
    super(typeof message === 'string' ? message : englishOf(message))
    this.name = 'ApiFailure'
    this.text = typeof message === 'string' ? undefined : message
  }
}
