import { engineText, type SkippedLine, skippedLine } from '../../shared/api/engine-text'
import type { ContactDraft } from './contact-draft'

/**
 * Reads vCard 2.1/3.0/4.0 (.vcf) text: FN (or N), TEL (the first, preferring cell/mobile), ORG,
 * EMAIL. Folded lines are unfolded; garbage between cards is reported and skipped, and a card
 * without a name is skipped with its line number, so good entries are never lost to bad ones.
 */
export function parseVCards(text: string): {
  drafts: Array<{ line: number; draft: ContactDraft }>
  skipped: SkippedLine[]
} {
  const drafts: Array<{ line: number; draft: ContactDraft }> = []
  const skipped: SkippedLine[] = []
  const lines = unfold(text.replace(/^\uFEFF/, ''))
  let card: { line: number; props: Array<{ name: string; params: string; value: string }> } | undefined
  for (const { line, text: raw } of lines) {
    const content = raw.trim()
    if (content === '') continue
    const upper = content.toUpperCase()
    if (upper === 'BEGIN:VCARD') {
      if (card) skipped.push(skippedLine(card.line, engineText('import.cardNotClosed')))
      card = { line, props: [] }
      continue
    }
    if (upper === 'END:VCARD') {
      if (!card) {
        skipped.push(skippedLine(line, engineText('import.endWithoutBegin')))
        continue
      }
      const draft = cardToDraft(card.props)
      if (draft) drafts.push({ line: card.line, draft })
      else skipped.push(skippedLine(card.line, engineText('import.cardWithoutName')))
      card = undefined
      continue
    }
    if (!card) {
      skipped.push(skippedLine(line, engineText('import.notVCard')))
      continue
    }
    const colon = content.indexOf(':')
    if (colon <= 0) continue
    const head = content.slice(0, colon)
    const [name, ...params] = head.split(';')
    card.props.push({
      name: name.replace(/^item\d+\./i, '').toUpperCase(),
      params: params.join(';').toUpperCase(),
      value: content.slice(colon + 1),
    })
  }
  if (card) skipped.push(skippedLine(card.line, engineText('import.cardNotClosed')))
  return { drafts, skipped }
}

function unfold(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = []
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && out.length > 0) out[out.length - 1].text += raw.slice(1)
    else out.push({ line: index + 1, text: raw })
  })
  return out
}

function decodeValue(value: string, params: string): string {
  let decoded = value
  if (params.includes('QUOTED-PRINTABLE')) {
    decoded = decoded.replace(/=\r?\n/g, '')
    try {
      decoded = decodeURIComponent(decoded.replace(/%/g, '%25').replace(/=([0-9A-F]{2})/gi, '%$1'))
    } catch {
      // Leave malformed escapes as they are rather than losing the field.
    }
  }
  return decoded
    .replace(/\\([,;\\])/g, '$1')
    .replace(/\\n/gi, ' ')
    .trim()
}

function cardToDraft(props: Array<{ name: string; params: string; value: string }>): ContactDraft | undefined {
  const get = (name: string) => props.find((p) => p.name === name)
  const fn = get('FN')
  let name = fn ? decodeValue(fn.value, fn.params) : ''
  if (!name) {
    const n = get('N')
    if (n) {
      const [family = '', given = '', middle = ''] = decodeValue(n.value, n.params).split(';')
      name = [given, middle, family]
        .map((s) => s.trim())
        .filter(Boolean)
        .join(' ')
    }
  }
  if (!name) return undefined
  const phones = props.filter((p) => p.name === 'TEL')
  const phone = phones.find((p) => /CELL|MOBILE|WHATSAPP/.test(p.params)) ?? phones[0]
  const org = get('ORG')
  const email = get('EMAIL')
  return {
    name,
    phone: phone ? decodeValue(phone.value, phone.params).replace(/^tel:/i, '') : undefined,
    company: org ? decodeValue(org.value, org.params).split(';')[0]?.trim() || undefined : undefined,
    email: email ? decodeValue(email.value, email.params) : undefined,
  }
}
