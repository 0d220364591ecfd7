import type { Result } from '../shared/api/result'
import type { MediaUploadValue } from '../shared/api/contract'
import { SYNC_CHANNEL, type SyncValue } from '../shared/api/sync'
import type { Contact, Conversation, Message } from '../shared/domain'
import { TeamConnection, type ConnectionOptions, type ConnectionState } from './connection'
import {
  applySync,
  bindUser,
  cursor,
  listContacts,
  listConversations,
  listMessages,
  loadSession,
  openLocalStore,
  removeContacts,
  removeConversations,
  saveSession,
  searchMessages,
  upsertContacts,
  upsertConversations,
  upsertMessages,
  type Db,
} from './local-store'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cacheMedia, cachedMedia, type CachedMedia } from './media-cache'
import {
  cancelEntry,
  enqueue,
  flushOutbox,
  getEntry,
  outboxCounts,
  pendingEntries,
  retryEntry,
  type OutboxEntry,
  type OutboxInput,
} from './outbox'

export interface TeamClientOptions extends Omit<ConnectionOptions, 'token'> {
  /** Where the local store lives (the app's data folder, one per server). */
  storeDir: string
  /** The device's personal access token (kept by the shell in safeStorage, never written here). */
  token: string
  /** The user the token belongs to (from sign-in); the store and outbox are theirs. */
  userId: string
  now?: () => number
}

export type TeamClientEvent =
  | { type: 'state'; state: ConnectionState }
  /** The server pushed a live event; the store already has it. */
  | { type: 'event'; event: string; payload: unknown }
  /** A catch-up finished; `requests` is how many round trips it took. */
  | { type: 'synced'; cursor: number; requests: number }
  | { type: 'sent'; entry: OutboxEntry; message: Message }
  /** The server refused an entry for good (its words are in `entry.error`). */
  | { type: 'failed'; entry: OutboxEntry }
  | { type: 'outbox'; waiting: number; failed: number }

/**
 * The desktop app as a client of the team server, in plain Node (the Electron shell drives it,
 * tests run it as it is): a local store that answers reads at once and offline, a connection that
 * keeps itself up, catch-up from the server's change cursor on every (re)connect, and the offline
 * outbox flushed in order after each catch-up.
 */
export class TeamClient {
  readonly db: Db
  private readonly connection: TeamConnection
  private readonly listeners = new Set<(event: TeamClientEvent) => void>()
  private readonly now: () => number
  private syncing: Promise<void> | undefined
  /**
   * Live events that arrived while a catch-up answer was on its way. That answer was read on the
   * server before them, so they are applied again after it: an older snapshot never overwrites a
   * newer event (a consent that turned "granted" while the snapshot still said "requested").
   */
  private eventsDuringSync: Array<[string, unknown]> | undefined
  private flushing: Promise<void> | undefined
  private flushAgain = false
  private closed = false
  /**
   * Pictures a window put up while offline, by their sha256, until it sends them (right after,
   * as it does online): the send moves the bytes into the outbox. Kept in memory only: a picture
   * not yet sent when the app stops was never shown as sent, and the window still has it.
   */
  private readonly heldPictures = new Map<string, Uint8Array>()

  constructor(private readonly options: TeamClientOptions) {
    this.now = options.now ?? Date.now
    this.db = openLocalStore(options.storeDir)
    bindUser(this.db, options.userId)
    this.connection = new TeamConnection(options, {
      state: (state) => {
        this.emit({ type: 'state', state })
        if (state.status === 'online') void this.catchUp()
      },
      event: (event, payload) => this.applyEvent(event, payload),
    })
  }

  get userId(): string {
    return this.options.userId
  }

  get state(): ConnectionState {
    return this.connection.state
  }

  /** Connects (and keeps reconnecting). Reads work before, during and without it. */
  start(): void {
    this.connection.start()
  }

  /** Try the server now (network back, computer awake) instead of waiting for the next retry. */
  retryNow(): void {
    this.connection.retryNow()
  }

  on(listener: (event: TeamClientEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  conversations(): Conversation[] {
    return listConversations(this.db)
  }

  messages(conversationId: string, limit?: number): Message[] {
    return listMessages(this.db, conversationId, limit)
  }

  contacts(): Contact[] {
    return listContacts(this.db)
  }

  search(query: string, limit?: number): Message[] {
    return searchMessages(this.db, query, limit)
  }

  /** Who the server said this is (its `session:get` answer), kept for opening the app offline. */
  rememberSession(session: unknown): void {
    if (!this.closed) saveSession(this.db, session)
  }

  lastSession(): unknown {
    return loadSession(this.db)
  }

  /** Older messages than the device keeps, straight from the server (needs the connection). */
  async olderMessages(conversationId: string, beforeSeq: number, limit = 50): Promise<Result<Message[]>> {
    return (await this.connection.request('messages:list', { conversationId, before: beforeSeq, limit })) as Result<Message[]>
  }

  /** The unsent entries of this user (waiting for connection, or failed with the server's reason). */
  outbox(): OutboxEntry[] {
    return pendingEntries(this.db, this.userId)
  }

  outboxCounts(): { waiting: number; failed: number } {
    return outboxCounts(this.db, this.userId)
  }

  /**
   * Sends a message: written to the outbox first (so it survives anything), then sent now if the
   * connection is up, else when it returns. Resolves with the outbox entry as it stands.
   */
  send(input: Omit<OutboxInput, 'userId'>): OutboxEntry {
    const entry = enqueue(this.db, { ...input, userId: this.userId }, this.now())
    this.emitCounts()
    if (this.connection.state.status === 'online') void this.flush()
    return entry
  }

  /** One of this user's outbox entries (any state), or undefined. */
  outboxEntry(clientId: string): OutboxEntry | undefined {
    const entry = getEntry(this.db, clientId)
    return entry?.userId === this.userId ? entry : undefined
  }

  /**
   * Keeps a picture a window uploads while offline, answering what `media:upload` answers (the
   * server prepares it once it has it): its id is the bytes' sha256, a media id like the server's.
   */
  holdPicture(bytes: Uint8Array): MediaUploadValue {
    const mediaId = createHash('sha256').update(bytes).digest('hex')
    // Bounded: a window that uploads and never sends does not grow this without end.
    if (this.heldPictures.size >= 10) this.heldPictures.delete(this.heldPictures.keys().next().value!)
    this.heldPictures.set(mediaId, bytes)
    return { mediaId, mimeType: 'application/octet-stream', size: bytes.byteLength, width: 0, height: 0, converted: false }
  }

  /** A picture held by `holdPicture`, handed over once (to the outbox). */
  takeHeldPicture(mediaId: string): Uint8Array | undefined {
    const bytes = this.heldPictures.get(mediaId)
    this.heldPictures.delete(mediaId)
    return bytes
  }

  /** Puts a failed entry back in line ("Try again") and sends it if connected. */
  retry(clientId: string): boolean {
    const retried = retryEntry(this.db, this.userId, clientId)
    if (retried) {
      this.emitCounts()
      if (this.connection.state.status === 'online') void this.flush()
    }
    return retried
  }

  /** Drops an entry that was not sent (the user cancelled it). */
  cancel(clientId: string): boolean {
    const cancelled = cancelEntry(this.db, this.userId, clientId)
    if (cancelled) this.emitCounts()
    return cancelled
  }

  /** Any other channel of the contract, forwarded to the server as is. */
  request(channel: string, payload: unknown): Promise<Result<unknown>> {
    return this.connection.request(channel, payload)
  }

  /** Puts a picture on the server as raw bytes over HTTP (never base64 in a socket frame). */
  uploadPicture(bytes: Uint8Array): Promise<Result<MediaUploadValue>> {
    return this.connection.uploadPicture(bytes)
  }

  /**
   * A picture's (or voicemail's) bytes: from the device's cache, else from the server over HTTP
   * with the device token (kept in the cache for next time and for offline). `not_found` when the
   * server will not give it to this user; `unavailable` when offline and not cached.
   */
  async media(mediaId: string): Promise<Result<CachedMedia>> {
    if (!MEDIA_ID.test(mediaId)) return { ok: false, error: { code: 'invalid', message: 'Not a media id' } }
    const held = cachedMedia(this.db, mediaId, this.now())
    if (held) return { ok: true, value: held }
    const downloaded = await this.connection.downloadMedia(mediaId)
    if (downloaded.ok && !this.closed) cacheMedia(this.db, mediaId, downloaded.value, this.now())
    return downloaded
  }

  /**
   * A cached picture as a file of its own, for dragging it out to the desktop or another app
   * (which take a path). Undefined when it is not on this device: a picture shown in a thread
   * was read through `media` first, so it is.
   */
  mediaFile(mediaId: string): string | undefined {
    if (!MEDIA_ID.test(mediaId)) return undefined
    const held = cachedMedia(this.db, mediaId, this.now())
    if (!held) return undefined
    const dir = join(this.options.storeDir, 'files')
    const path = join(dir, `greenline-${mediaId.slice(0, 12)}${extensionFor(held.mimeType)}`)
    if (!existsSync(path)) {
      mkdirSync(dir, { recursive: true })
      writeFileSync(path, held.bytes)
    }
    return path
  }

  /** Resolves when the current catch-up and outbox flush (if any) are done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.syncing || this.flushing) await (this.syncing ?? this.flushing)
  }

  close(): void {
    this.closed = true
    this.connection.close()
    this.db.close()
  }

  /** Everything since the cursor: one request per 5,000 changes, then the outbox goes. */
  private catchUp(): Promise<void> {
    this.syncing ??= (async () => {
      try {
        let requests = 0
        for (;;) {
          this.eventsDuringSync = []
          const result = await this.connection.request(SYNC_CHANNEL, { since: cursor(this.db) })
          if (!result.ok || this.closed) return
          requests++
          const value = result.value as SyncValue
          applySync(this.db, value)
          for (const [event, payload] of this.eventsDuringSync) this.store(event, payload)
          // The windows hear what changed while this device was away, as live events, then the
          // live events that overtook this answer again, so they end where the store is. (A
          // snapshot is a new start: the windows reload for it.)
          if (!value.snapshot)
            for (const [event, payload] of [...changeEvents(value), ...this.eventsDuringSync]) this.emit({ type: 'event', event, payload })
          if (!value.more) {
            this.emit({ type: 'synced', cursor: value.cursor, requests })
            break
          }
        }
      } finally {
        this.syncing = undefined
        this.eventsDuringSync = undefined
      }
      await this.flush()
    })()
    return this.syncing
  }

  private flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true
      return this.flushing
    }
    this.flushing = (async () => {
      try {
        do {
          this.flushAgain = false
          if (this.closed) return
          await flushOutbox(
            this.db,
            this.userId,
            this.connection,
            (entry, message) => this.emit({ type: 'sent', entry, message }),
            (entry) => this.emit({ type: 'failed', entry }),
          )
          this.emitCounts()
        } while (this.flushAgain && this.connection.state.status === 'online')
      } finally {
        this.flushing = undefined
      }
    })()
    return this.flushing
  }

  private applyEvent(event: string, payload: unknown): void {
    if (this.closed) return
    this.store(event, payload)
    this.eventsDuringSync?.push([event, payload])
    this.emit({ type: 'event', event, payload })
  }

  private store(event: string, payload: unknown): void {
    switch (event) {
      case 'messages:changed':
        upsertMessages(this.db, [payload as Message])
        break
      case 'conversations:changed':
        upsertConversations(this.db, [payload as Conversation])
        break
      case 'conversations:removed':
        removeConversations(this.db, [(payload as { id: string }).id])
        break
      case 'contacts:changed':
        upsertContacts(this.db, [payload as Contact])
        break
      case 'contacts:removed':
        removeContacts(this.db, [(payload as { id: string }).id])
        break
    }
  }

  private emitCounts(): void {
    if (this.closed) return
    this.emit({ type: 'outbox', ...outboxCounts(this.db, this.userId) })
  }

  private emit(event: TeamClientEvent): void {
    for (const listener of this.listeners) listener(event)
  }
}

const MEDIA_ID = /^[0-9a-f]{64}$/

function extensionFor(mimeType: string): string {
  const known: Record<string, string> = {
    'image/jpeg': '.jpg',
    'image/png': '.png',
    'image/webp': '.webp',
    'image/gif': '.gif',
    'audio/ogg': '.ogg',
    'audio/mpeg': '.mp3',
    'audio/wav': '.wav',
  }
  return known[mimeType.split(';')[0].trim()] ?? ''
}

/** A catch-up answer as the live events that would have told the same. */
function changeEvents(value: SyncValue): Array<[string, unknown]> {
  return [
    ...value.removedConversations.map((id): [string, unknown] => ['conversations:removed', { id }]),
    ...value.conversations.map((c): [string, unknown] => ['conversations:changed', c]),
    ...value.messages.map((m): [string, unknown] => ['messages:changed', m]),
    ...value.removedContacts.map((id): [string, unknown] => ['contacts:removed', { id }]),
    ...value.contacts.map((c): [string, unknown] => ['contacts:changed', c]),
  ]
}
