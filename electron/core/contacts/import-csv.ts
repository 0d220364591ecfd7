import { engineText, type SkippedLine, skippedLine } from '../../shared/api/engine-text'
import type { ContactDraft } from './contact-draft'

/**
 * Reads CSV (RFC 4180: quoted fields, doubled quotes, commas and newlines inside quotes) with a
 * header row naming the columns: name (or first/last name), phone, company, email, language. Lines that
 * cannot become a contact are reported, never silently dropped.
 */
export function parseContactsCsv(text: string): {
  drafts: Array<{ line: number; draft: ContactDraft }>
  skipped: SkippedLine[]
} {
  const clean = text.replace(/^\uFEFF/, '')
  const rows = parseCsvRows(clean, guessDelimiter(clean))
  const drafts: Array<{ line: number; draft: ContactDraft }> = []
  const skipped: SkippedLine[] = []
  const header = rows.shift()
  if (!header) return { drafts, skipped: [skippedLine(1, engineText('import.empty'))] }
  const columns = header.fields.map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, ' '),
  )
  const find = (...names: string[]) => columns.findIndex((c) => names.includes(c))
  const name = find('name', 'full name', 'display name', 'contact')
  const first = find('first name', 'given name', 'firstname')
  const last = find('last name', 'family name', 'surname', 'lastname')
  const phone = find('phone', 'phone number', 'mobile', 'mobile phone', 'number', 'telephone', 'tel', 'whatsapp')
  const company = find('company', 'organization', 'organisation', 'org')
  const email = find('email', 'e-mail', 'email address')
  const language = find('language', 'lang', 'locale', 'preferred language')
  if (name < 0 && first < 0 && last < 0) {
    return { drafts, skipped: [skippedLine(header.line, engineText('import.noNameColumn'))] }
  }
  for (const row of rows) {
    if (row.fields.every((f) => f.trim() === '')) continue
    const at = (index: number) => (index >= 0 ? (row.fields[index] ?? '').trim() : '')
    const fullName = at(name) || [at(first), at(last)].filter(Boolean).join(' ')
    if (!fullName) {
      skipped.push(skippedLine(row.line, engineText('import.noName')))
      continue
    }
    drafts.push({
      line: row.line,
      draft: {
        name: fullName,
        phone: at(phone) || undefined,
        company: at(company) || undefined,
        email: at(email) || undefined,
        language: at(language) || undefined,
      },
    })
  }
  return { drafts, skipped }
}

interface CsvRow {
  line: number
  fields: string[]
}

/** Spreadsheet exports use commas, semicolons (European locales) or tabs: the header row tells. */
function guessDelimiter(text: string): string {
  const header = text.split(/\r?\n/, 1)[0] ?? ''
  const counts = [',', ';', '\t'].map((d) => ({ d, n: header.split(d).length }))
  return counts.sort((a, b) => b.n - a.n)[0].d
}

function parseCsvRows(text: string, delimiter: string): CsvRow[] {
  const rows: CsvRow[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let rowStart = 1
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else {
        if (c === '\n') line++
        field += c
      }
      continue
    }
    if (c === '"' && field === '') quoted = true
    else if (c === delimiter) {
      fields.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      fields.push(field)
      rows.push({ line: rowStart, fields })
      fields = []
      field = ''
      line++
      rowStart = line
    } else field += c
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field)
    rows.push({ line: rowStart, fields })
  }
  return rows
}
