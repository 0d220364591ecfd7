import { englishText, type NativeText } from '../shared/native-texts'
import type { Conversation, Message } from '../shared/domain'
import type { SqliteEngine } from '../core/engine'
import { outboxCounts } from '../core/db/repositories/outbox'

export interface ShellCounts {
  unread: number
  queued: number
  failed: number
  /** The most recent conversations with unread messages, newest first. */
  recentUnread: Conversation[]
}

export const EMPTY_COUNTS: ShellCounts = { unread: 0, queued: 0, failed: 0, recentUnread: [] }

/**
 * Failed sends of the signed-in user, followed from message events (a message leaves the set when
 * it is retried, cancelled or sent). Starts empty at launch.
 */
export class FailedMessages {
  private readonly failed = new Set<string>()

  observe(message: Message): boolean {
    const before = this.failed.size
    if (message.direction === 'out' && message.status === 'failed') this.failed.add(message.id)
    else this.failed.delete(message.id)
    return this.failed.size !== before
  }

  get size(): number {
    return this.failed.size
  }

  clear(): void {
    this.failed.clear()
  }
}

/** Unread from the user's conversations, queued from the outbox (held + waiting + sending). */
export async function computeCounts(
  engine: Pick<SqliteEngine, 'dispatch' | 'db'>,
  userId: string | undefined,
  failed: FailedMessages,
  recentLimit = 5,
): Promise<ShellCounts> {
  if (!userId) return EMPTY_COUNTS
  const result = await engine.dispatch({ userId }, 'conversations:list', { unread: true, limit: 1000 })
  const conversations = result.ok ? (result.value as Conversation[]) : []
  const unreadConversations = conversations.filter((c) => c.unread > 0).sort((a, b) => b.lastActivityAt - a.lastActivityAt)
  const outbox = outboxCounts(engine.db)
  return {
    unread: unreadConversations.reduce((sum, c) => sum + c.unread, 0),
    queued: outbox.held + outbox.ready + outbox.leased,
    failed: failed.size,
    recentUnread: unreadConversations.slice(0, recentLimit),
  }
}

/** "3 unread · 1 queued" (and failed when there are any), in the window's language. */
export function countsSummary(counts: ShellCounts, text: NativeText = englishText): string {
  const parts = [text('tray.unread', { count: counts.unread }), text('tray.queued', { count: counts.queued })]
  if (counts.failed > 0) parts.push(text('tray.failed', { count: counts.failed }))
  return parts.join(' · ')
}

export function countsTooltip(counts: ShellCounts, text: NativeText = englishText): string {
  return `Greenline — ${countsSummary(counts, text)}`
}
