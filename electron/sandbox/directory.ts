import { bsuidOf, waIdOf } from './phone'

export type Channel = 'whatsapp' | 'sms' | 'voicemail'
export type DeliveryStatus = 'sent' | 'delivered' | 'read'

export interface TemplateButton {
  index: number
  text: string
  payload: string
}

/** One line of a user's phone: what they received from the business or sent to it. */
export interface ChatEntry {
  id: string
  direction: 'in' | 'out'
  channel: Channel
  type: string
  text?: string
  caption?: string
  mediaId?: string
  /** An image sent by `link` rather than by uploaded media id. */
  link?: string
  mimeType?: string
  template?: { name: string; language: string; params: string[] }
  buttons?: TemplateButton[]
  reaction?: { messageId: string; emoji: string }
  contextId?: string
  bizOpaqueCallbackData?: string
  clientRef?: string
  durationMs?: number
  transcript?: string
  status?: DeliveryStatus
  /** Set when the business marked this inbound message read. */
  readByBusiness?: boolean
  at: number
}

export interface SimUser {
  phone: string
  name: string
  onWhatsApp: boolean
  waId: string
  userId: string
  /**
   * A WhatsApp username: such a user hides their number, so webhooks carry only their
   * business-scoped user id (`from_user_id`, `user_id`) and `profile.username`, never `wa_id`.
   */
  username?: string
  lastInboundAt?: number
  chat: ChatEntry[]
}

export const DEFAULT_USERS: Array<{ phone: string; name: string; onWhatsApp?: boolean }> = [
  { phone: '+14155550101', name: 'Ana Souza' },
  { phone: '+14155550102', name: 'Ben Okafor' },
  { phone: '+14155550103', name: 'Chloé Martin' },
  { phone: '+14155550199', name: 'Dan Notonwa', onWhatsApp: false },
]

export const WINDOW_MS = 24 * 60 * 60 * 1000

/** The simulated WhatsApp users, their phones' chat logs, and their 24 h windows. */
export class Directory {
  private readonly byPhone = new Map<string, SimUser>()
  /** Told of every change to a user (added, renamed, chat line added, a line's status changed). */
  onUserChange?: (user: SimUser) => void

  /**
   * Adds a user, or updates the name and reachability of an existing one. `identity.waId` is a
   * WhatsApp id that differs from the number (Brazil and Mexico: the number as dialled and the
   * account's id differ by a digit); `identity.username` makes a username-only user.
   */
  upsert(phone: string, name: string, onWhatsApp = true, identity: { waId?: string; username?: string } = {}): SimUser {
    const existing = this.byPhone.get(phone)
    if (existing) {
      existing.name = name
      existing.onWhatsApp = onWhatsApp
      if (identity.waId) existing.waId = identity.waId
      if (identity.username) existing.username = identity.username
      this.touch(existing)
      return existing
    }
    const user: SimUser = {
      phone,
      name,
      onWhatsApp,
      waId: identity.waId ?? waIdOf(phone),
      userId: bsuidOf(phone),
      ...(identity.username ? { username: identity.username } : {}),
      chat: [],
    }
    this.byPhone.set(phone, user)
    changeListeners.set(user, (changed) => this.onUserChange?.(changed))
    this.touch(user)
    return user
  }

  /** Says that `user` changed in place (e.g. a line's status), so it is saved. */
  touch(user: SimUser): void {
    this.onUserChange?.(user)
  }

  get(phone: string): SimUser | undefined {
    return this.byPhone.get(phone)
  }

  /** By WhatsApp id, which may differ from the number (see `upsert`). */
  byWaId(waId: string): SimUser | undefined {
    return [...this.byPhone.values()].find((user) => user.waId === waId)
  }

  byUserId(userId: string): SimUser | undefined {
    return [...this.byPhone.values()].find((user) => user.userId === userId)
  }

  list(): SimUser[] {
    return [...this.byPhone.values()]
  }

  windowOpen(user: SimUser, now: number): boolean {
    return user.lastInboundAt !== undefined && now - user.lastInboundAt < WINDOW_MS
  }

  findEntry(user: SimUser, id: string): ChatEntry | undefined {
    return user.chat.find((entry) => entry.id === id)
  }

  /** The delivery log: what users received, in order (all users interleaved by time of delivery). */
  deliveries(phone?: string): Array<{ user: SimUser; entry: ChatEntry }> {
    const users = phone ? [this.byPhone.get(phone)].filter((u): u is SimUser => !!u) : this.list()
    return users
      .flatMap((user) => user.chat.filter((entry) => entry.direction === 'out').map((entry) => ({ user, entry })))
      .sort((a, b) => a.entry.at - b.entry.at || seq(a.entry) - seq(b.entry))
  }
}

// Entries written in the same millisecond keep their insertion order.
const order = new WeakMap<ChatEntry, number>()
let counter = 0
function seq(entry: ChatEntry): number {
  if (!order.has(entry)) order.set(entry, ++counter)
  return order.get(entry)!
}

// The directory a user belongs to hears of every line added to their chat.
const changeListeners = new WeakMap<SimUser, (user: SimUser) => void>()

export function appendChat(user: SimUser, entry: ChatEntry): ChatEntry {
  seq(entry)
  user.chat.push(entry)
  changeListeners.get(user)?.(user)
  return entry
}
