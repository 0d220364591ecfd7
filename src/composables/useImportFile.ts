/**
 * Reading a contacts file picked by the user: the bytes' encoding detected (a BOM, else valid
 * UTF-8, else windows-1252 — what Outlook and Excel write on Windows), and a preview of the first
 * rows with the column each one fills, shown before anything is imported.
 */
export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252'

export function decodeContactsFile(bytes: Uint8Array): { text: string; encoding: Encoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: decode('utf-8', bytes.subarray(3)), encoding: 'utf-8' }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: decode('utf-16le', bytes.subarray(2)), encoding: 'utf-16le' }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: decode('utf-16be', bytes.subarray(2)), encoding: 'utf-16be' }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' }
  } catch {
    return { text: decode('windows-1252', bytes), encoding: 'windows-1252' }
  }
}

function decode(encoding: Encoding, bytes: Uint8Array): string {
  return new TextDecoder(encoding).decode(bytes)
}

/** The text key naming each encoding in the user's language (the preview says which one was read). */
export const ENCODING_KEYS: Record<Encoding, string> = {
  'utf-8': 'import.encoding.utf8',
  'utf-16le': 'import.encoding.utf16',
  'utf-16be': 'import.encoding.utf16',
  'windows-1252': 'import.encoding.windows1252',
}

export interface CsvPreview {
  columns: Array<{ header: string; field?: string }>
  rows: string[][]
  /** Data lines in the file (header excluded). */
  total: number
}

/**
 * The header names the engine's CSV import recognises (electron/core/contacts/import-csv.ts):
 * repeated here only to label the preview; the engine decides what is imported.
 */
const FIELDS: Array<[string, string[]]> = [
  ['Name', ['name', 'full name', 'display name', 'contact']],
  ['First name', ['first name', 'given name', 'firstname']],
  ['Last name', ['last name', 'family name', 'surname', 'lastname']],
  ['Phone', ['phone', 'phone number', 'mobile', 'mobile phone', 'number', 'telephone', 'tel', 'whatsapp']],
  ['Company', ['company', 'organization', 'organisation', 'org']],
  ['Email', ['email', 'e-mail', 'email address']],
]

export function previewCsv(text: string, limit = 5): CsvPreview {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  const delimiter = [';', '\t', ','].find((d) => (lines[0] ?? '').split(d).length > 1) ?? ','
  const split = (line: string) => splitLine(line, delimiter)
  const headers = lines.length ? split(lines[0]) : []
  const columns = headers.map((header) => {
    const key = header
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, ' ')
    const field = FIELDS.find(([, names]) => names.includes(key))?.[0]
    return field ? { header, field } : { header }
  })
  return { columns, rows: lines.slice(1, 1 + limit).map(split), total: Math.max(0, lines.length - 1) }
}

/** One line's fields (quotes honoured; a quoted field spanning lines is cut in the preview only). */
function splitLine(line: string, delimiter: string): string[] {
  const fields: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"'
        i++
      } else if (ch === '"') quoted = false
      else current += ch
    } else if (ch === '"') quoted = true
    else if (ch === delimiter) {
      fields.push(current)
      current = ''
    } else current += ch
  }
  fields.push(current)
  return fields.map((f) => f.trim())
}
