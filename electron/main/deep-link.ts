import type { Result } from '../shared/api/result'
import type { Contact } from '../shared/domain'
import type { SqliteEngine } from '../core/engine'
import { normalizePhone } from '../core/contacts/phone'
import { findContactByPhone } from '../core/db/repositories/contacts'
import { createLogger } from '../core/platform/logger'
import { contactByPhone } from '../team-client/contact-by-phone'

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
  engine: Pick<SqliteEngine, 'dispatch' | 'db' | 'ctx'>
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

export interface TeamDeepLinkDeps {
  /** The signed-in team client's contract requests (as the window's: they wait for a connection being opened, read the device's copy offline). */
  request(channel: string, payload: unknown): Promise<Result<unknown>>
  /** Where a number without a country code is read (the office's region). */
  defaultRegion: string
  navigate: (route: string) => void
}

/**
 * Team mode's `greenline://contact/<phone>`: the contact is looked up on the team server, and a
 * number nobody saved opens the add-contact form filled in, whose Save creates it on the server
 * (the window's requests go there). Nothing of the local engine is read. Resolves with the
 * contact opened, or undefined.
 */
export async function openTeamDeepLink(raw: string, deps: TeamDeepLinkDeps): Promise<Contact | undefined> {
  const link = parseDeepLink(raw)
  if (!link) {
    log.warn('deep link ignored')
    return undefined
  }
  const phone = normalizePhone(link.phone, deps.defaultRegion)
  if (!phone.ok) {
    log.warn('deep link number is not valid')
    return undefined
  }
  const found = await contactByPhone(deps, phone.e164)
  if (found.ok && found.value) {
    deps.navigate(`/contacts/${encodeURIComponent(found.value.id)}`)
    return found.value
  }
  // Not saved, or the server could not be asked: the form, filled in, lets the person go on.
  if (!found.ok) log.warn('deep link contact not looked up', { code: found.error.code })
  deps.navigate(`/contacts?add=${encodeURIComponent(phone.e164)}`)
  return undefined
}
