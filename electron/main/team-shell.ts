import { englishText, type NativeText } from '../shared/native-texts'
import type { Notification, NotificationConstructorOptions } from 'electron'
import type { ConnectionIndicator } from '../shared/connection-indicator'
import type { Message } from '../shared/domain'
import { createLogger } from '../core/platform/logger'
import type { TeamClient } from '../team-client/team-client'
import type { TeamSession } from '../team-client/team-session'
import type { ShellCounts } from './counts'
import { notificationBody } from './notifications'

const log = createLogger('team-shell')

type CountsSource = Pick<TeamClient, 'conversations' | 'outboxCounts'>

/**
 * The tray's counts in team mode, from the team client's local store (so they show offline too):
 * unread from the conversations it holds, queued = written here and waiting for the connection,
 * failed = refused by the server with a reason.
 */
export function teamCounts(client: CountsSource, recentLimit = 5): ShellCounts {
  const unread = client
    .conversations()
    .filter((c) => c.unread > 0)
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt)
  const outbox = client.outboxCounts()
  return {
    unread: unread.reduce((sum, c) => sum + c.unread, 0),
    queued: outbox.waiting,
    failed: outbox.failed,
    recentUnread: unread.slice(0, recentLimit),
  }
}

const clockTime = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })

/** The tray's words for the connection to the team server (the tray speaks English, as its menu). */
export function teamConnectionText(
  indicator: ConnectionIndicator,
  timeText: (at: number) => string = clockTime,
  text: NativeText = englishText,
): string {
  switch (indicator.state) {
    case 'connected':
      return text('tray.teamConnected')
    case 'reconnecting':
      return text('tray.teamReconnecting')
    case 'offline':
      return indicator.retryAt !== undefined
        ? text('tray.teamOfflineUntil', { time: timeText(indicator.retryAt) })
        : text('tray.teamOffline')
    case 'signed-out':
      return text('tray.teamSignedOut')
  }
}

export interface TeamNotifierDeps {
  Notification: (new (options: NotificationConstructorOptions) => Notification) & { isSupported(): boolean }
  session: Pick<TeamSession, 'on' | 'client'>
  platform: NodeJS.Platform
  isAppFocused: () => boolean
  doNotDisturb: () => boolean
  openThread: (conversationId: string) => void
  openQuickReply: (conversationId: string) => void
  now?: () => number
  /** Texts in the window's language (English when not given). */
  text?: NativeText
}

const RECENT_MS = 2 * 60_000

/**
 * Notifications in team mode, driven by the server's events as the team client receives them:
 * a new inbound message while the app is not focused. On macOS the inline reply goes into the
 * team client's outbox, so it is sent now or, offline, as soon as the connection returns.
 * Elsewhere a click opens the quick-reply popover. Returns a function that stops it.
 */
export function createTeamNotifier(deps: TeamNotifierDeps): { active: ReadonlyMap<string, Notification>; dispose(): void } {
  const now = deps.now ?? Date.now
  const active = new Map<string, Notification>()
  const seen = new Set<string>()
  const mac = deps.platform === 'darwin'

  const notify = (client: TeamClient, message: Message) => {
    if (deps.doNotDisturb() || !deps.Notification.isSupported() || deps.isAppFocused()) return
    const thread = client.conversations().find((c) => c.id === message.conversationId)
    const name = thread?.contactName ?? 'New message'
    const key = `inbound:${message.conversationId}`
    active.get(key)?.close()
    const notification = new deps.Notification({
      title: name,
      body: notificationBody(message),
      ...(mac ? { hasReply: true, replyPlaceholder: (deps.text ?? englishText)('notification.replyTo', { name }) } : {}),
    })
    notification.on('click', () => {
      active.delete(key)
      if (mac) deps.openThread(message.conversationId)
      else deps.openQuickReply(message.conversationId)
    })
    notification.on('reply', (_event, text: string) => {
      if (!text.trim()) return
      // The client that received it: a reply never goes out as someone who signed in since.
      if (deps.session.client !== client) return log.warn('notification reply dropped: signed out since')
      client.send({ conversationId: message.conversationId, text })
    })
    notification.on('close', () => {
      if (active.get(key) === notification) active.delete(key)
    })
    active.set(key, notification)
    notification.show()
  }

  const stop = deps.session.on((event) => {
    if (event.type !== 'client' || event.event.type !== 'event' || event.event.event !== 'messages:changed') return
    const message = event.event.payload as Message
    const client = deps.session.client
    if (!client || message.direction !== 'in' || seen.has(message.id)) return
    seen.add(message.id)
    if (seen.size > 2000) seen.delete(seen.values().next().value!)
    if (message.createdAt >= now() - RECENT_MS) notify(client, message)
  })

  return {
    active,
    dispose() {
      stop()
      for (const notification of active.values()) notification.close()
      active.clear()
    },
  }
}
