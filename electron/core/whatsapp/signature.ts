import { createHmac, timingSafeEqual } from 'node:crypto'

const HEADER_PATTERN = /^sha256=([0-9a-fA-F]{64})$/

/** `sha256=<lowercase hex HMAC-SHA256(appSecret, rawBody)>`, the `X-Hub-Signature-256` value. */
export function signWebhookBody(rawBody: Buffer | Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`
}

/**
 * Checks an `X-Hub-Signature-256` header against the exact bytes received (never re-serialized
 * JSON). Returns false, never throws, for a missing or malformed header, a wrong signature, or an
 * empty app secret (an empty key would let anyone sign).
 */
export function verifyWebhookSignature(rawBody: Buffer | Uint8Array, header: string | undefined, appSecret: string): boolean {
  if (!appSecret || typeof header !== 'string') return false
  const match = HEADER_PATTERN.exec(header.trim())
  if (!match) return false
  const received = Buffer.from(match[1], 'hex')
  const expected = createHmac('sha256', appSecret).update(rawBody).digest()
  return received.length === expected.length && timingSafeEqual(received, expected)
}

export interface VerificationQuery {
  'hub.mode'?: string | null
  'hub.verify_token'?: string | null
  'hub.challenge'?: string | null
}

/**
 * Meta's webhook verification GET: returns the `hub.challenge` to answer with HTTP 200 when the
 * mode is `subscribe` and the token matches (constant-time); undefined otherwise (answer 403).
 * An empty configured verify token never matches.
 */
export function answerVerificationChallenge(query: VerificationQuery, verifyToken: string): string | undefined {
  const token = query['hub.verify_token']
  const challenge = query['hub.challenge']
  if (!verifyToken || query['hub.mode'] !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return undefined
  const expected = createHmac('sha256', 'verify').update(verifyToken).digest()
  const received = createHmac('sha256', 'verify').update(token).digest()
  return timingSafeEqual(expected, received) ? challenge : undefined
}
