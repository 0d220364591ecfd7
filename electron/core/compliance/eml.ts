import { singleLine } from '../../shared/text'
import { CRLF, headerBlock, headerText, mailbox, qpLine, qpText, rfc5322Date } from './mime'

/**
 * One RFC 5322 message per conversation per (UTC) day, for archivers that ingest mail: a
 * text/plain UTF-8 quoted-printable transcript, each message on its own line with time and author.
 */
export const MAIL_DOMAIN = 'greenline.invalid'

const CHANNEL_NAMES: Record<string, string> = { whatsapp: 'WhatsApp', sms: 'SMS', voicemail: 'Voicemail' }

export interface EmlConversation {
  id: string
  channel: string
  contactId: string
  contactName: string
  contactPhone: string | null
}

export interface EmlLine {
  at: number
  author: string
  direction: string
  status: string
  text: string | null
  kind: string
  mediaSha256: string | null
  failure: string | null
}

/** `2026-01-15`: the UTC day a timestamp falls on. */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

export function emlPath(conversationId: string, day: string): string {
  return `eml/${conversationId.replace(/[^A-Za-z0-9._-]/g, '_')}/${day}.eml`
}

/** Headers and the opening lines of the body for `day`. */
export function emlHead(
  conversation: EmlConversation,
  day: string,
  firstAt: number,
  org: { name: string },
  colleagues: Array<{ id: string; name: string }>,
): string {
  const channel = CHANNEL_NAMES[conversation.channel] ?? conversation.channel
  const contactLocal = conversation.contactPhone ?? `contact-${conversation.contactId}`
  const headers: Array<[string, string]> = [
    ['From', mailbox(org.name, 'archive', MAIL_DOMAIN)],
    ['To', mailbox(conversation.contactName, contactLocal, `${conversation.channel}.${MAIL_DOMAIN}`)],
  ]
  if (colleagues.length) headers.push(['Cc', colleagues.map((u) => mailbox(u.name, u.id, `users.${MAIL_DOMAIN}`)).join(`,${CRLF} `)])
  headers.push(
    ['Date', rfc5322Date(firstAt)],
    ['Subject', headerText(`${channel} conversation with ${conversation.contactName} on ${day}`)],
    ['Message-ID', `<${conversation.id.replace(/[^A-Za-z0-9._-]/g, '_')}.${day}@${MAIL_DOMAIN}>`],
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Transfer-Encoding', 'quoted-printable'],
    ['X-Greenline-Conversation', conversation.id.replace(/[^\x21-\x7e]/g, '_')],
    ['X-Greenline-Channel', conversation.channel],
  )
  const intro = [
    `${channel} conversation ${singleLine(conversation.id)} with ${singleLine(conversation.contactName)}${conversation.contactPhone ? ` (${singleLine(conversation.contactPhone)})` : ''}`,
    `Day: ${day} (times in UTC)`,
    '',
  ]
  return headerBlock(headers) + intro.map((line) => qpLine(line) + CRLF).join('')
}

// CRLF, CR, LF, vertical tab, form feed, NEL and the Unicode line and paragraph separators.
const LINE_BREAKS = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/g

/** One transcript entry; continuation lines are indented so each entry starts with its time. */
export function emlEntry(line: EmlLine): string {
  const time = new Date(line.at).toISOString().slice(11, 19)
  // Every field but the text is one line, whatever it holds: names come from outside (a WhatsApp
  // profile, an import) and so do failure reasons (the provider's error details).
  const who = line.direction === 'system' ? '(system)' : singleLine(line.author)
  const failure = line.failure ? `: ${singleLine(line.failure)}` : ''
  const status = line.direction === 'out' ? ` (${singleLine(line.status)}${failure})` : ''
  const kind = singleLine(line.kind)
  const parts: string[] = []
  if (line.mediaSha256) parts.push(`[${kind} sha256:${singleLine(line.mediaSha256)}]`)
  else if (kind !== 'text' && kind !== 'system') parts.push(`[${kind}]`)
  if (line.text) parts.push(line.text)
  // Whatever a reader may show as a new line continues this entry, indented: no line of a
  // transcript can pass for an entry of its own.
  const body = parts.join(' ').replace(LINE_BREAKS, '\n    ')
  return qpText(`[${time}] ${who}${status}: ${body}`)
}
