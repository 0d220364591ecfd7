/**
 * Just enough RFC 5322 / MIME to write plain-text archive mail: quoted-printable bodies
 * (RFC 2045), encoded-word headers (RFC 2047), quoted display names and RFC 5322 dates.
 * Every line ends in CRLF.
 */

export const CRLF = '\r\n'

const HEX = '0123456789ABCDEF'
const SAFE_LINE = /^[\x21-\x3c\x3e-\x7e\t ]*$/
const MAX_QP_LINE = 76

/** One text line (no line breaks) as quoted-printable, with soft breaks; no trailing CRLF. */
export function qpLine(line: string): string {
  if (line.length <= MAX_QP_LINE && SAFE_LINE.test(line) && !/[ \t]$/.test(line)) return line
  const bytes = Buffer.from(line, 'utf8')
  let out = ''
  let current = ''
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    const last = i === bytes.length - 1
    const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last)
    const token = literal ? String.fromCharCode(byte) : `=${HEX[byte >> 4]}${HEX[byte & 15]}`
    // Leave room for the soft-break "=" so no encoded line exceeds 76 characters.
    if (current.length + token.length > MAX_QP_LINE - (last ? 0 : 1)) {
      out += `${current}=${CRLF}`
      current = ''
    }
    current += token
  }
  return out + current
}

/** Text (any line breaks) as a quoted-printable body fragment ending in CRLF. */
export function qpText(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => qpLine(line) + CRLF)
    .join('')
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/** RFC 2047 encoded words (base64, UTF-8) of at most 75 characters, never splitting a character. */
export function encodedWords(text: string): string[] {
  const words: string[] = []
  let chunk = ''
  let chunkBytes = 0
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8')
    // 45 bytes → 60 base64 characters + 12 for "=?UTF-8?B?" and "?=" = 72.
    if (chunkBytes + size > 45) {
      words.push(`=?UTF-8?B?${Buffer.from(chunk, 'utf8').toString('base64')}?=`)
      chunk = ''
      chunkBytes = 0
    }
    chunk += char
    chunkBytes += size
  }
  if (chunk) words.push(`=?UTF-8?B?${Buffer.from(chunk, 'utf8').toString('base64')}?=`)
  return words
}

/** An unstructured header value (Subject): ASCII stays as is, anything else is encoded-words. */
export function headerText(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ')
  if (PRINTABLE_ASCII.test(clean) && clean.length <= 900) return clean
  return encodedWords(clean).join(`${CRLF} `)
}

/** A display name for an address header: quoted when ASCII, encoded-words otherwise. */
export function displayName(name: string): string {
  const clean = name.replace(/[\r\n]+/g, ' ').trim()
  if (PRINTABLE_ASCII.test(clean)) return `"${clean.replace(/["\\]/g, (c) => `\\${c}`)}"`
  return encodedWords(clean).join(`${CRLF} `)
}

/** `"Name" <local@domain>`; the local part is reduced to dot-atom characters. */
export function mailbox(name: string, local: string, domain: string): string {
  const atom =
    local
      .replace(/[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]/g, '_')
      .replace(/^\.+|\.+$/g, '')
      .replace(/\.{2,}/g, '.') || 'unknown'
  return `${displayName(name)} <${atom}@${domain}>`
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number) => String(n).padStart(2, '0')

/** RFC 5322 date-time in UTC, e.g. `Thu, 15 Jan 2026 09:30:12 +0000`. */
export function rfc5322Date(ms: number): string {
  const d = new Date(ms)
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

/** Header lines joined with CRLF, followed by the blank line that starts the body. */
export function headerBlock(headers: Array<[string, string]>): string {
  return headers.map(([name, value]) => `${name}: ${value}${CRLF}`).join('') + CRLF
}
