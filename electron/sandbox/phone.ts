import { createHash } from 'node:crypto'

/**
 * Normalizes a phone as Meta does: `+`, `-`, `(`, `)` and spaces are accepted; without `+` the
 * business number's country code is prepended. Returns E.164 (`+digits`) or null when malformed.
 */
export function normalizePhone(input: string, businessCountryCode = '1'): string | null {
  const trimmed = input.trim()
  if (!/^\+?[\d\s()\-.]+$/.test(trimmed)) return null
  const digits = trimmed.replace(/\D/g, '')
  const full = trimmed.startsWith('+') ? digits : businessCountryCode + digits
  if (full.length < 8 || full.length > 15) return null
  return `+${full}`
}

/** wa_id is the E.164 number without its `+`. */
export function waIdOf(phone: string): string {
  return phone.replace(/^\+/, '')
}

const COUNTRY_PREFIXES: Array<[string, string]> = [
  ['1', 'US'],
  ['44', 'GB'],
  ['33', 'FR'],
  ['49', 'DE'],
  ['55', 'BR'],
  ['52', 'MX'],
  ['91', 'IN'],
  ['351', 'PT'],
]

/** A deterministic business-scoped user id (`CC.` + 13 digits), stable for a phone across restarts. */
export function bsuidOf(phone: string): string {
  const digits = waIdOf(phone)
  const country = COUNTRY_PREFIXES.find(([prefix]) => digits.startsWith(prefix))?.[1] ?? 'ZZ'
  const hash = createHash('sha256').update(`greenline-sandbox:${digits}`).digest()
  const number = hash.readBigUInt64BE(0) % 10_000_000_000_000n
  return `${country}.${number.toString().padStart(13, '0')}`
}
