import type { Contact } from '../shared/domain'
import type { Engine } from '../core/engine'
import { normalizePhone } from '../core/contacts/phone'
import { findContactByPhone } from '../core/db/repositories/contacts'
import { createLogger } from '../core/platform/logger'

const log = createLogger('deep-link')

export const DEEP_LINK_SCHEME = 'greenline'

export type DeepLink = { kind: 'contact'; phone: string }

/** `greenline://contact/<phone>` (the softphone hands a number over); anything else is ignored. */
export function parseDeepLink(raw: string): DeepLink | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return undefined
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:` || url.hostname !== 'contact') return undefined
  let phone: string
  try {
    phone = decodeURIComponent(url.pathname.replace(/^\/+/, '').replace(/\/+$/, ''))
  } catch {
    return undefined
  }
  if (!/^\+?[0-9 ().-]{3,40}$/.test(phone)) return undefined
  return { kind: 'contact', phone }
}

/** The deep link among a second instance's (or the first launch's) command-line arguments. */
export function deepLinkFromArgv(argv: readonly string[]): string | undefined {
  return argv.find((arg) => arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}://`))
}

export interface DeepLinkDeps {
  engine: Pick<Engine, 'dispatch' | 'db' | 'ctx'>
  userId: string
  /** Shows the main window at a renderer route. */
  navigate: (route: string) => void
}

/**
 * Opens the contact with the link's number. A number nobody saved yet opens the add-contact form
 * with it filled in: the person decides whether to save it (a link must not write to the shared
 * address book on its own). Returns the existing contact, or undefined.
 */
export function openDeepLink(raw: string, deps: DeepLinkDeps): Contact | undefined {
  const link = parseDeepLink(raw)
  if (!link) {
    log.warn('deep link ignored')
    return undefined
  }
  const phone = normalizePhone(link.phone, deps.engine.ctx.org.defaultRegion)
  if (!phone.ok) {
    log.warn('deep link number is not valid')
    return undefined
  }
  const contact = findContactByPhone(deps.engine.db, phone.e164)
  if (!contact) {
    deps.navigate(`/contacts?add=${encodeURIComponent(phone.e164)}`)
    return undefined
  }
  deps.navigate(`/contacts/${encodeURIComponent(contact.id)}`)
  return contact
}
