import { createHash, timingSafeEqual } from 'node:crypto'

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

const HEX_DIGEST = /^[0-9a-fA-F]{64}$/
const BASE64_DIGEST = /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}$/

/**
 * True when `bytes` hash to `expected`, given as hex (any case) or base64/base64url (WhatsApp's
 * media webhooks and URL lookups use base64). A malformed `expected` is a mismatch, never an error.
 */
export function verifySha256(bytes: Uint8Array, expected: string): boolean {
  const actual = createHash('sha256').update(bytes).digest()
  let wanted: Buffer
  if (HEX_DIGEST.test(expected)) wanted = Buffer.from(expected, 'hex')
  else if (BASE64_DIGEST.test(expected)) wanted = Buffer.from(expected.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  else return false
  return wanted.length === actual.length && timingSafeEqual(wanted, actual)
}
