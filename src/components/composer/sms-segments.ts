/**
 * How an SMS text travels: GSM-7 when every character is in the GSM 03.38 alphabet (160 per
 * message, 153 per part once split), else UCS-2 (70, then 67 UTF-16 units per part). Carriers bill
 * per part, so the composer shows this before sending. Pure (no Vue), so it is tested on its own.
 */

// GSM 03.38 basic character set (one septet each).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
// The extension table: an escape septet plus one, so two septets each.
const GSM_EXTENDED = '^{}\\[~]|€\f'

const basic = new Set(GSM_BASIC)
const extended = new Set(GSM_EXTENDED)

export type SmsEncoding = 'GSM-7' | 'UCS-2'

export interface SmsSegments {
  encoding: SmsEncoding
  /** Parts the carrier sends (0 for an empty text). */
  segments: number
  /** Septets (GSM-7) or UTF-16 units (UCS-2) used. */
  units: number
  /** Units left in the last part before another part starts. */
  remaining: number
  /** Characters that forced UCS-2 (first few, without repeats), to suggest replacing them. */
  unicodeCharacters: string[]
}

const LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
}

/** Counts parts as carriers split them; an escape pair or a surrogate pair is never split. */
export function smsSegments(text: string): SmsSegments {
  const chars = Array.from(text)
  const unicodeCharacters = [...new Set(chars.filter((c) => !basic.has(c) && !extended.has(c)))].slice(0, 5)
  const encoding: SmsEncoding = unicodeCharacters.length ? 'UCS-2' : 'GSM-7'
  const sizes = chars.map((c) => (encoding === 'GSM-7' ? (extended.has(c) ? 2 : 1) : c.length))
  const units = sizes.reduce((sum, size) => sum + size, 0)
  const limit = LIMITS[encoding]
  if (units === 0) return { encoding, segments: 0, units, remaining: limit.single, unicodeCharacters }
  if (units <= limit.single) return { encoding, segments: 1, units, remaining: limit.single - units, unicodeCharacters }
  let segments = 1
  let used = 0
  for (const size of sizes) {
    if (used + size > limit.part) {
      segments++
      used = 0
    }
    used += size
  }
  return { encoding, segments, units, remaining: limit.part - used, unicodeCharacters }
}
