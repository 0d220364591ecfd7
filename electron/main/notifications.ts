import { randomUUID } from 'node:crypto'
import type { Notification, NotificationConstructorOptions } from 'electron'
import type { Conversation, Message, MessageStatus } from '../shared/domain'
import { englishText, type NativeText } from '../shared/native-texts'
import type { Engine } from '../core/engine'
import { createLogger } from '../core/platform/logger'
import type { SignedInUser } from './signed-in-user'

const log = createLogger('notifications')

export interface NotifierDeps {
  Notification: (new (options: NotificationConstructorOptions) => Notification) & { isSupported(): boolean }
  engine: Pick<Engine, 'dispatch' | 'clock'>
  user: SignedInUser
  platform: NodeJS.Platform
  /** True while a Greenline window has focus: no notifications then. */
  isAppFocused: () => boolean
  doNotDisturb: () => boolean
  openThread: (conversationId: string) => void
  openQuickReply: (conversationId: string) => void
  /** Words in the window's language (main/language.ts); English when not given. */
  text?: NativeText
  /** Wall clock for rate limiting (ms). */
  now?: () => number
  /** At most one notification per conversation in this window; later ones are grouped. */
  rateLimitMs?: number
}

export interface Notifier {
  /** The notifications currently kept alive (their handlers must not be garbage collected). */
  readonly active: ReadonlyMap<string, Notification>
  dispose(): void
}

const RECENT_MS = 2 * 60_000
const HELD_STATUSES: ReadonlySet<MessageStatus> = new Set(['held'])
const RELEASED_STATUSES: ReadonlySet<MessageStatus> = new Set(['queued', 'sending', 'sent', 'delivered', 'read'])

/** "📷 Photo" for pictures, the text otherwise; never more than a notification can show. */
export function notificationBody(message: Message): string {
  if (message.kind === 'image') return message.media?.caption ? `📷 ${message.media.caption}` : '📷 Photo'
  if (message.kind === 'voicemail') return '🎙 Voicemail'
  const text = message.text?.trim()
  if (text) return text.length > 200 ? `${text.slice(0, 199)}…` : text
  return 'New message'
}

/**
 * Native notifications for the signed-in user: inbound messages while the app is not focused
 * (one per conversation at most every `rateLimitMs`, later ones grouped as "n new messages"),
 * held messages released, and failed sends. Do not disturb silences all of them. On macOS an
 * inline reply is sent with `messages:send`; elsewhere clicking opens the quick-reply popover.
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const now = deps.now ?? Date.now
  const rateLimitMs = deps.rateLimitMs ?? 5000
  const active = new Map<string, Notification>()
  const statuses = new Map<string, MessageStatus>()
  const lastShown = new Map<string, number>()
  const pending = new Map<string, { count: number; last: Message; timer: ReturnType<typeof setTimeout> }>()

  const remember = (message: Message) => {
    statuses.delete(message.id)
    statuses.set(message.id, message.status)
    // Bounded: only recent transitions matter.
    if (statuses.size > 2000) statuses.delete(statuses.keys().next().value!)
  }

  const silenced = () => deps.doNotDisturb() || !deps.Notification.isSupported()

  const say = deps.text ?? englishText
  const show = (key: string, options: NotificationConstructorOptions, handlers: { click(): void; reply?(text: string): void }) => {
    active.get(key)?.close()
    const notification = new deps.Notification(options)
    notification.on('click', () => {
      active.delete(key)
      handlers.click()
    })
    if (handlers.reply) notification.on('reply', (_event, reply) => handlers.reply!(reply))
    notification.on('close', () => {
      if (active.get(key) === notification) active.delete(key)
    })
    active.set(key, notification)
    notification.show()
  }

  const conversation = async (userId: string, id: string): Promise<Conversation | undefined> => {
    const result = await deps.engine.dispatch({ userId }, 'conversations:get', { id })
    return result.ok ? (result.value as Conversation) : undefined
  }

  const reply = async (conversationId: string, text: string) => {
    const userId = deps.user.id
    if (!userId || !text.trim()) return
    const result = await deps.engine.dispatch({ userId }, 'messages:send', { conversationId, text, clientId: randomUUID() })
    if (!result.ok) {
      log.warn('notification reply not sent', { code: result.error.code })
      show(
        `reply-failed:${conversationId}`,
        { title: say('notification.replyNotSent'), body: result.error.message },
        { click: () => deps.openThread(conversationId) },
      )
    }
  }

  const notifyInbound = async (message: Message, count: number) => {
    const userId = deps.user.id
    if (!userId || silenced() || deps.isAppFocused()) return
    const thread = await conversation(userId, message.conversationId)
    if (!thread) return
    lastShown.set(message.conversationId, now())
    const mac = deps.platform === 'darwin'
    show(
      `inbound:${message.conversationId}`,
      {
        title: thread.contactName,
        body: count > 1 ? say('notification.newMessages', { count, body: notificationBody(message) }) : notificationBody(message),
        ...(mac ? { hasReply: true, replyPlaceholder: say('notification.replyTo', { name: thread.contactName }) } : {}),
      },
      {
        click: () => (mac ? deps.openThread(message.conversationId) : deps.openQuickReply(message.conversationId)),
        ...(mac ? { reply: (text: string) => void reply(message.conversationId, text) } : {}),
      },
    )
  }

  const onInbound = (message: Message) => {
    const id = message.conversationId
    const queued = pending.get(id)
    if (queued) {
      queued.count += 1
      queued.last = message
      return
    }
    const wait = (lastShown.get(id) ?? -Infinity) + rateLimitMs - now()
    if (wait <= 0) {
      void notifyInbound(message, 1)
      return
    }
    const timer = setTimeout(() => {
      const grouped = pending.get(id)
      pending.delete(id)
      if (grouped) void notifyInbound(grouped.last, grouped.count)
    }, wait)
    pending.set(id, { count: 1, last: message, timer })
  }

  const onOwnStatus = async (message: Message, previous: MessageStatus | undefined) => {
    const userId = deps.user.id
    if (!userId || message.authorId !== userId || silenced()) return
    const released = previous !== undefined && HELD_STATUSES.has(previous) && RELEASED_STATUSES.has(message.status)
    const failed = message.status === 'failed' && previous !== 'failed'
    if (!released && !failed) return
    const thread = await conversation(userId, message.conversationId)
    const name = thread?.contactName ?? say('notification.aContact')
    show(
      `${failed ? 'failed' : 'released'}:${message.id}`,
      failed
        ? {
            title: say('notification.notSent'),
            body: say('notification.notSentBody', { name, reason: message.error ?? say('notification.sendingFailed') }),
          }
        : { title: say('notification.released'), body: say('notification.releasedBody', { name }) },
      { click: () => deps.openThread(message.conversationId) },
    )
  }

  const unsubscribe = deps.user.subscribe((event, payload) => {
    if (event !== 'messages:changed') return
    const message = payload as Message
    const previous = statuses.get(message.id)
    remember(message)
    if (message.direction === 'in') {
      // First sight of a recent inbound message; later changes (reactions, downloads) are not news.
      if (previous === undefined && message.createdAt >= deps.engine.clock.now() - RECENT_MS) onInbound(message)
      return
    }
    if (message.direction === 'out') void onOwnStatus(message, previous)
  })

  return {
    active,
    dispose() {
      unsubscribe()
      for (const { timer } of pending.values()) clearTimeout(timer)
      pending.clear()
      for (const notification of active.values()) notification.close()
      active.clear()
    },
  }
}
