import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import type { ChatEntry, SimUser } from './directory'
import type { PendingWebhook, WebhookJournal } from './webhook-queue'

/** What a sandbox remembers across restarts. */
export interface SandboxState {
  users: Array<Omit<SimUser, 'waId' | 'userId'> & { chat: ChatEntry[]; waId?: string }>
  /** Webhooks not yet posted, in the order they were queued. */
  webhooks: PendingWebhook[]
}

type Line = { user: SandboxState['users'][number] } | { webhook: PendingWebhook } | { webhookDone: string }

const FILE = 'state.jsonl'
/** The journal is rewritten as a compact copy when it grows past this many bytes beyond its last compaction. */
const COMPACT_AFTER_BYTES = 16 * 1024 * 1024

/**
 * The sandbox's memory on disk (`<dir>/state.jsonl`), so a sandbox restarted after a crash goes on
 * where it stopped: its users and their chats (the delivery log), their 24-hour windows, and the
 * webhooks it had not posted yet. Meta does not forget a message it accepted because a server
 * restarted; neither may the stand-in, or a crash test could not tell a lost message from a
 * forgotten one.
 *
 * An append-only journal: each line is a user's whole record (the last one wins), a webhook
 * queued, or a webhook done with. Changes are collected and appended with one synchronous write
 * before the HTTP answer that acknowledges them leaves (`flush`), and otherwise on the next turn
 * of the event loop; a SIGKILL after the write loses nothing (the bytes are in the OS). The file is
 * compacted when opened and when it grows large.
 */
export class SandboxStateStore implements WebhookJournal {
  private readonly file: string
  private readonly dirtyUsers = new Set<SimUser>()
  private pendingLines: string[] = []
  private scheduled = false
  private compactedSize = 0
  private readonly live = new Map<string, PendingWebhook>()
  private snapshotUsers: () => SimUser[] = () => []

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true })
    this.file = join(dir, FILE)
  }

  /**
   * Reads the saved state (empty when there is none). A torn last line (the process died while
   * appending it) is ignored; anything else unreadable is an error naming the file.
   */
  load(): SandboxState {
    const users = new Map<string, SandboxState['users'][number]>()
    if (existsSync(this.file)) {
      const lines = readFileSync(this.file, 'utf8').split('\n')
      lines.forEach((text, index) => {
        if (!text) return
        let line: Line
        try {
          line = JSON.parse(text) as Line
        } catch (error) {
          if (index === lines.length - 1) return
          throw new Error(`The sandbox state in ${this.file} is damaged at line ${index + 1}; delete the folder to start afresh`, {
            cause: error,
          })
        }
        if ('user' in line) users.set(line.user.phone, line.user)
        else if ('webhook' in line) this.live.set(line.webhook.id, line.webhook)
        else if ('webhookDone' in line) this.live.delete(line.webhookDone)
      })
    }
    return { users: [...users.values()], webhooks: [...this.live.values()] }
  }

  /** Starts journaling; `users` lists the current users, for compaction. Compacts right away. */
  attach(users: () => SimUser[]): void {
    this.snapshotUsers = users
    this.compact()
  }

  userChanged(user: SimUser): void {
    this.dirtyUsers.add(user)
    this.schedule()
  }

  added(delivery: PendingWebhook): void {
    const { id, target, body } = delivery
    this.live.set(id, { id, target, body })
    this.pendingLines.push(JSON.stringify({ webhook: { id, target, body } }))
    this.schedule()
  }

  done(id: string): void {
    if (!this.live.delete(id)) return
    this.pendingLines.push(JSON.stringify({ webhookDone: id }))
    this.schedule()
  }

  /** Writes what changed since the last flush, in one synchronous append. */
  flush(): void {
    if (this.dirtyUsers.size === 0 && this.pendingLines.length === 0) return
    const lines = [...[...this.dirtyUsers].map((user) => JSON.stringify({ user: record(user) })), ...this.pendingLines]
    this.dirtyUsers.clear()
    this.pendingLines = []
    appendFileSync(this.file, `${lines.join('\n')}\n`)
    if (statSync(this.file).size > this.compactedSize + COMPACT_AFTER_BYTES) this.compact()
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.flush()
    })
  }

  /** Rewrites the journal as the current state: written beside it, synced, then renamed over it. */
  private compact(): void {
    this.dirtyUsers.clear()
    this.pendingLines = []
    const lines = [
      ...this.snapshotUsers().map((user) => JSON.stringify({ user: record(user) })),
      ...[...this.live.values()].map((webhook) => JSON.stringify({ webhook })),
    ]
    const temporary = `${this.file}.tmp`
    const fd = openSync(temporary, 'w', 0o600)
    try {
      writeSync(fd, lines.length ? `${lines.join('\n')}\n` : '')
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, this.file)
    this.compactedSize = statSync(this.file).size
  }
}

function record(user: SimUser): SandboxState['users'][number] {
  const { phone, name, onWhatsApp, lastInboundAt, chat, username } = user
  return {
    phone,
    name,
    onWhatsApp,
    // Only a WhatsApp id that differs from the number is kept; the usual one is derived again.
    ...(user.waId !== phone.replace(/^\+/, '') ? { waId: user.waId } : {}),
    ...(username ? { username } : {}),
    ...(lastInboundAt !== undefined ? { lastInboundAt } : {}),
    chat,
  }
}
