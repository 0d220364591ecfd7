import { createHmac, timingSafeEqual } from 'node:crypto'

/** Form parameters as Twilio posts them; a name may repeat (e.g. `MessagingBinding.Address`). */
export type TwilioParams = Record<string, string | readonly string[]>

/** The parameters of an `application/x-www-form-urlencoded` body, repeated names kept as lists. */
export function formParams(body: string): TwilioParams {
  const params: Record<string, string | string[]> = {}
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = params[name]
    params[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]
  }
  return params
}

/**
 * Twilio's request signature (https://www.twilio.com/docs/usage/security#validating-requests):
 * base64 HMAC-SHA1, keyed with the auth token, of the full URL followed by every POST parameter's
 * name and value, sorted by name (a repeated name contributes each distinct value, sorted). The
 * URL is taken exactly as given: it must be the URL Twilio was told to call.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url
  for (const name of Object.keys(params).sort()) {
    const value = params[name]
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort()
    for (const one of values) data += name + one
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64')
}

function withStandardPort(url: URL): string {
  if (url.port) return url.toString()
  const copy = new URL(url.toString())
  // URL drops a default port when set, so the host is spelled out by hand.
  const auth = copy.username || copy.password ? `${copy.username}${copy.password ? `:${copy.password}` : ''}@` : ''
  const port = copy.protocol === 'https:' ? '443' : '80'
  return `${copy.protocol}//${auth}${copy.host}:${port}${copy.pathname}${copy.search}${copy.hash}`
}

function withoutPort(url: URL): string {
  const copy = new URL(url.toString())
  copy.port = ''
  return copy.toString()
}

/**
 * Whether `X-Twilio-Signature` fits the URL Twilio was configured with and the posted parameters.
 * Twilio's own signer is inconsistent about ports, so the URL is tried as given, with its port
 * removed and with the scheme's standard port added, as the official validator does. Constant-time compare;
 * false for a missing header, an empty token or an unparsable URL (never throws).
 */
export function validTwilioSignature(authToken: string, header: string | undefined, url: string, params: TwilioParams): boolean {
  if (!authToken || !header) return false
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  const given = Buffer.from(header)
  return [...new Set([url, withoutPort(parsed), withStandardPort(parsed)])].some((candidate) => {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params))
    return expected.length === given.length && timingSafeEqual(expected, given)
  })
}
