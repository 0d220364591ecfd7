import type { z } from 'zod'
import type { Clock } from '../../shared/clock'
import type { WhatsAppConfig } from './config'
import { mapGraphError, networkError, type WhatsAppError } from './errors'

/** Every connector call answers with data, never a thrown HTTP or network error. */
export type WhatsAppResult<T> = { ok: true; value: T } | { ok: false; error: WhatsAppError }

export interface GraphTransport {
  config: WhatsAppConfig
  fetch: typeof fetch
  timeoutMs: number
  /** Only used to honour an HTTP-date `Retry-After`. */
  clock?: Clock
}

export interface GraphCall<T> {
  method: 'GET' | 'POST' | 'DELETE'
  /** Path below the API version, e.g. `123/messages`; ids must already be URL-safe. */
  path: string
  json?: unknown
  form?: FormData
  /** Shape of a successful answer; a 2xx that does not match is a `transient` error. */
  expect: z.ZodType<T>
}

export function failure(error: WhatsAppError): { ok: false; error: WhatsAppError } {
  return { ok: false, error }
}

export function invalid(reason: string): { ok: false; error: WhatsAppError } {
  return failure({ kind: 'invalid', reason })
}

const NOT_CONFIGURED: WhatsAppError = {
  kind: 'auth',
  reason: 'WhatsApp is not connected yet: no access token is configured.',
}

/** The bearer header for Graph and media downloads. */
export function authorization(config: WhatsAppConfig): string {
  return `Bearer ${config.accessToken}`
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text()
  if (!text) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/**
 * One Graph API request with the bearer token and a timeout. Network failures and timeouts give
 * `transient`; non-2xx answers are mapped by Meta's error code; never throws.
 */
export async function graphRequest<T>(transport: GraphTransport, call: GraphCall<T>): Promise<WhatsAppResult<T>> {
  const { config } = transport
  if (!config.accessToken) return failure(NOT_CONFIGURED)
  const headers: Record<string, string> = { Authorization: authorization(config) }
  let body: string | FormData | undefined
  if (call.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(call.json)
  } else if (call.form) {
    body = call.form
  }

  let response: Response
  let parsedBody: unknown
  try {
    response = await transport.fetch(`${config.baseUrl}/${config.apiVersion}/${call.path}`, {
      method: call.method,
      headers,
      body,
      signal: AbortSignal.timeout(transport.timeoutMs),
    })
    parsedBody = await readJson(response)
  } catch (err) {
    return failure(networkError(err))
  }

  if (!response.ok) {
    return failure(
      mapGraphError(parsedBody, response.status, {
        retryAfter: response.headers.get('retry-after'),
        now: transport.clock?.now(),
      }),
    )
  }
  const value = call.expect.safeParse(parsedBody)
  if (!value.success) {
    return failure({
      kind: 'transient',
      reason: 'WhatsApp gave an answer Greenline could not understand; Greenline will try again.',
      details: `unexpected ${response.status} response shape`,
      httpStatus: response.status,
    })
  }
  return { ok: true, value: value.data }
}
