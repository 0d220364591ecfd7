/** Every request's answer crosses the boundary as data, never as a thrown error. */
export const ERROR_CODES = ['invalid', 'not_found', 'forbidden', 'conflict', 'unavailable', 'internal'] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ApiError {
  code: ErrorCode
  message: string
  /** Optional machine-readable details, e.g. which field was invalid. */
  details?: unknown
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = (code: ErrorCode, message: string, details?: unknown): { ok: false; error: ApiError } => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
})

/** Thrown inside the engine to end a request with a specific code; the dispatcher turns it into data. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ApiFailure'
  }
}
