import { join } from 'node:path'
import { OffsetClock, type Clock } from '../shared/clock'
import type { EventChannel, EventPayloads } from '../shared/api/contract'
import { engineText } from '../shared/api/engine-text'
import { ApiFailure, type Result } from '../shared/api/result'
import type { Session } from '../shared/domain'
import type { SmsProvider } from './channels/provider'
import { createChannelIntake, type ChannelIntake } from './channels/intake'
import type { EngineContext } from './context'
import { openDatabase, type Db } from './db/open'
import { createSqliteStore, type Store } from './db/store'
import { createDispatcher, type RequestContext } from './dispatcher'
import { ClusterEventHub, type ClusterLink } from './cluster'
import { EventHub } from './events'
import { createHandlers } from './handlers'
import { createMediaStore, type MediaStore } from './media/media-store'
import type { OrgPolicy } from './org/org-policy'
import { AccountHealth, type AccountHealthOptions } from './outbox/account-health'
import { OutboxScheduler, type SchedulerOptions } from './outbox/scheduler'
import { createIdGenerator } from './platform/ids'
import { resolveConsentKeywords } from './policy/keywords'
import { ChangeFeed } from './services/change-feed'
import { TemplateStates } from './services/template-states'
import { TypingIndicator } from './services/typing-service'
import { runExport } from './compliance/export'
import { startCompliance } from './compliance/start'
import { MediaDownloader } from './services/media-service'
import { createWhatsAppClient, type ReactionMessage, type WhatsAppClient } from './whatsapp/client'
import type { WhatsAppConfig } from './whatsapp/config'
import { switchableClient } from './whatsapp/switchable-client'
import { createWebhookIntake, type WebhookIntake } from './services/webhook-intake'
import { whatsAppReasonText } from './whatsapp/errors'
import { createLogger } from './platform/logger'
import { slowStep } from './platform/slow-step'

export interface EngineOptions {
  dataDir: string
  /**
   * Where pictures and voicemail audio are kept (default `<dataDir>/media`). Several server
   * instances share one directory every instance reaches: files are content-addressed and written
   * whole under a temporary name, then renamed, so instances storing the same file at once is safe.
   */
  mediaDir?: string
  org: OrgPolicy
  clock?: Clock
  random?: () => number
  /** The resolved connector configuration (for the sandbox: its url, token and secret filled in). */
  whatsapp?: WhatsAppConfig
  /** Replaces the HTTP client (tests). */
  whatsappClient?: WhatsAppClient
  sms?: SmsProvider
  /** Verifies signed SMS/voicemail deliveries from the channel provider (none: such deliveries are refused). */
  channelSecret?: string
  /** Where a signed voicemail's audio may be fetched from, and the bearer it takes (default: the sandbox's). */
  channelMedia?: { origin: string; accessToken: string }
  scheduler?: Partial<Omit<SchedulerOptions, 'whatsapp' | 'sms' | 'media' | 'optInTemplate' | 'health' | 'cluster'>>
  /** Probe timing for the account health (tests). */
  health?: Partial<Pick<AccountHealthOptions, 'firstProbeMs' | 'maxProbeMs'>>
  /** Whether `sandbox` should be reported in the session (the embedded sandbox is in use). */
  sandboxUrl?: string
  /**
   * Where the organization's users are kept: `org-file` (solo: the table mirrors the file) or
   * `database` (team server: the file only seeds users, admins manage them from then on).
   */
  directory?: 'org-file' | 'database'
  /**
   * The store to run on: a team server's PostgreSQL (GREENLINE_DATABASE_URL), opened, migrated and
   * later closed by its caller. Without it the engine opens SQLite in `dataDir` and closes it itself.
   */
  store?: Store
  /**
   * The other server instances on the same PostgreSQL database: events, changed threads and
   * outbox lanes are told to them and heard from them (see cluster.ts). Absent: this process is alone.
   */
  cluster?: ClusterLink
}

export interface Engine {
  /** The root context (its `changes` is the feed itself; inside a transaction services get a deferring one). */
  readonly ctx: EngineContext & { changes: ChangeFeed }
  /** The engine's data, SQLite or PostgreSQL (see db/store.ts). */
  readonly store: Store
  readonly clock: Clock
  readonly media: MediaStore
  /** Where `export:run` writes its archive folders (`<data dir>/exports`). */
  readonly exportsDir: string
  readonly webhooks: WebhookIntake
  readonly channels: ChannelIntake
  readonly scheduler: OutboxScheduler
  readonly health: AccountHealth
  readonly downloader: MediaDownloader
  /** The other server instances on this database (EngineOptions.cluster), if any. */
  readonly cluster?: ClusterLink
  dispatch(request: RequestContext, channel: unknown, payload: unknown): Promise<Result<unknown>>
  subscribe(userId: string, listener: <E extends EventChannel>(event: E, payload: EventPayloads[E]) => void): () => void
  /** Who `userId` is and the org they are in. @throws Error for someone not in the org. */
  session(userId: string): Promise<Session>
  /**
   * Resolves once the organization's users from the org file are stored: at once on SQLite, after
   * a round trip on PostgreSQL (a server waits for it before it answers anyone). Rejects with why not.
   */
  readonly ready: Promise<void>
  /** Starts sending and processing work left from a previous run. */
  start(): Promise<void>
  /** Stops taking work, waits for sends in flight, and closes the database. */
  close(): Promise<void>
  /**
   * Applies a changed org policy and/or Cloud API connector to the running engine: policy rules,
   * consent keywords and rate limits at once, new credentials for the next send and webhook.
   * The organization's users are not touched (the directory has its own channels).
   */
  reconfigure(change: { org?: OrgPolicy; whatsapp?: WhatsAppConfig }): void
  /** Resolves when webhooks received so far are processed and the outbox has nothing due (tests). */
  settled(): Promise<void>
}

/** An engine on its own SQLite file (the desktop app, the browser host, a small team server). */
export interface SqliteEngine extends Engine {
  readonly ctx: EngineContext & { changes: ChangeFeed; db: Db }
  /** The synchronous connection, for the desktop shell's reads and tests. */
  readonly db: Db
}

const log = createLogger('engine')

/** Builds the engine: one database, the services, the outbox scheduler and the webhook intake. */
export function createEngine(options: EngineOptions & { store: Store }): Engine
export function createEngine(options: EngineOptions & { store?: undefined }): SqliteEngine
export function createEngine(options: EngineOptions): Engine | SqliteEngine {
  const clock = options.clock ?? new OffsetClock()
  const db = options.store ? undefined : openDatabase(options.dataDir, { now: () => clock.now() })
  const store = options.store ?? createSqliteStore(db!)
  // On SQLite this is done before createEngine returns (a store call outside a transaction runs at
  // once); on PostgreSQL `start` (and a server, before it answers anyone) waits for it.
  const ready =
    options.directory === 'database' ? store.orgUsers.seedOrgUsers(options.org.users) : store.orgUsers.syncOrgUsers(options.org.users)
  // Observed by `start`; an engine closed without starting must not leave it unhandled.
  ready.catch(() => undefined)
  const events = options.cluster ? new ClusterEventHub(options.cluster) : new EventHub()
  const changes = new ChangeFeed(store, events, () => clock.now(), options.cluster)
  let scheduler: OutboxScheduler | undefined
  const ctx: EngineContext & { changes: ChangeFeed } = {
    ...(db ? { db } : {}),
    store,
    root: store,
    clock,
    random: options.random ?? Math.random,
    newId: createIdGenerator(clock),
    org: options.org,
    keywords: resolveConsentKeywords(options.org.consentKeywords ?? {}),
    events,
    changes,
    templates: new TemplateStates(options.whatsapp?.optInTemplate ?? { name: 'greenline_opt_in', language: 'en_US' }),
    wakeOutbox: () => scheduler?.wake(),
  }
  const media = createMediaStore(options.mediaDir ?? join(options.dataDir, 'media'))
  const exportsDir = join(options.dataDir, 'exports')
  // Admins may change the connector while the server runs: services hold a client that switches.
  let whatsapp = options.whatsapp
  const switchable =
    !options.whatsappClient && options.whatsapp && options.org.whatsapp.enabled
      ? switchableClient(createWhatsAppClient(options.whatsapp))
      : undefined
  const client = options.whatsappClient ?? switchable?.client
  const sendingOptions = (org: OrgPolicy) => ({
    optInTemplate: whatsapp?.optInTemplate ?? { name: 'greenline_opt_in', language: 'en_US' },
    messagesPerSecond: org.limits?.messagesPerSecond,
    smsPerSecond: org.sms.messagesPerSecond,
    pairBurst: org.limits?.pairBurst,
    pairRefillMs: org.limits?.pairRefillMs,
  })
  const health = new AccountHealth(ctx, {
    phoneNumberId: options.whatsapp?.phoneNumberId || 'default',
    ...(client
      ? {
          probe: async () => {
            const result = await client.checkAccount()
            return result.ok ? { ok: true as const } : result
          },
        }
      : {}),
    ...options.health,
  })
  scheduler = new OutboxScheduler(ctx, {
    health,
    whatsapp: client,
    sms: options.sms,
    media,
    ...(options.cluster ? { cluster: options.cluster } : {}),
    ...sendingOptions(options.org),
    ...options.scheduler,
  })
  const downloader = new MediaDownloader(ctx, media, () => client)
  const webhooks = createWebhookIntake(ctx, {
    appSecret: () => whatsapp?.appSecret ?? '',
    verifyToken: () => whatsapp?.verifyToken ?? '',
    onMedia: (id) => downloader.schedule(id),
    // The sandbox is a single number; with Meta, several numbers of one account can share the URL.
    phoneNumberId: () => (whatsapp?.mode === 'cloud' ? whatsapp.phoneNumberId : undefined),
  })
  const channels = createChannelIntake(ctx, {
    secret: () => options.channelSecret ?? '',
    media,
    accessToken: () => options.channelMedia?.accessToken ?? whatsapp?.accessToken ?? '',
    providerOrigin: () => options.channelMedia?.origin ?? options.sandboxUrl,
  })

  const session = async (userId: string): Promise<Session> => {
    const user = await store.orgUsers.getOrgUser(userId)
    if (!user) throw new Error('unknown user')
    return {
      user,
      org: {
        name: ctx.org.name,
        whatsappEnabled: ctx.org.whatsapp.enabled,
        sandbox: whatsapp?.mode === 'sandbox',
        ...(options.sandboxUrl ? { sandboxUrl: options.sandboxUrl } : {}),
      },
    }
  }

  const sendReadReceipt = async (conversationId: string) => {
    if (!client || (await store.conversations.conversationBasics(conversationId))?.channel !== 'whatsapp') return
    const [latest] = await store.messages.unreadInboundProviderIds(conversationId, 1)
    if (!latest) return
    // Through the outbox's rate limiter: a receipt is a Graph call that counts toward throughput.
    void scheduler.sendReadReceipt(latest)
  }

  let stopJumpUpdates: (() => void) | undefined

  const dispatch = createDispatcher(
    createHandlers({
      ctx,
      session,
      media,
      downloader,
      sendReadReceipt: (conversationId) =>
        void sendReadReceipt(conversationId).catch((error: unknown) => log.warn('read receipt not sent', { error: String(error) })),
      health,
      ...(client ? { sendReaction: (input: ReactionMessage) => client.sendReaction(input) } : {}),
      typing: new TypingIndicator(ctx, () => client && ((providerId: string) => client.markRead(providerId, { typing: true }))),
      listTemplates: async () => {
        if (!client) throw new ApiFailure('unavailable', engineText('whatsapp.notConnected'))
        const result = await client.listTemplates()
        if (!result.ok)
          throw new ApiFailure('unavailable', whatsAppReasonText(result.error.code, result.error.reason) ?? result.error.reason)
        ctx.templates.replaceAll(result.value)
        return result.value
      },
      runExport: async (userId, { organization, ...input }) => {
        // Org-wide is for the team server's administrators; everyone else exports what they may read.
        if (organization && (await store.accounts.getAccount(userId))?.role !== 'admin') {
          throw new ApiFailure('forbidden', engineText('export.adminOnly'))
        }
        return runExport(ctx, media, {
          ...input,
          userId: organization ? undefined : userId,
          actorId: userId,
          outDir: exportsDir,
        })
      },
    }),
  )

  let stopCompliance: (() => Promise<void>) | undefined
  // The account's templates, read once at start (best effort: webhooks and templates:list keep them current).
  let templatesRead: Promise<void> = Promise.resolve()
  const readTemplates = async () => {
    const result = await client?.listTemplates()
    if (result?.ok) ctx.templates.replaceAll(result.value)
  }

  return {
    ctx,
    ...(db ? { db } : {}),
    store,
    clock,
    media,
    exportsDir,
    webhooks,
    channels,
    scheduler,
    health,
    downloader,
    ...(options.cluster ? { cluster: options.cluster } : {}),
    dispatch,
    subscribe: (userId, listener) => events.subscribe(userId, listener),
    session,
    reconfigure(change) {
      if (change.whatsapp) {
        whatsapp = change.whatsapp
        switchable?.replace(createWhatsAppClient(change.whatsapp))
        ctx.templates.optIn = change.whatsapp.optInTemplate
        templatesRead = readTemplates().catch(() => undefined)
      }
      if (change.org) {
        ctx.org = change.org
        ctx.keywords = resolveConsentKeywords(change.org.consentKeywords ?? {})
      }
      // Tests' scheduler overrides (options.scheduler) keep winning, as at start.
      scheduler.reconfigure({ ...sendingOptions(ctx.org), ...options.scheduler })
    },
    ready,
    async start() {
      await ready
      // Windows close by the clock alone: after a jump (sandbox), every open thread's state is news.
      stopJumpUpdates = clock.onJump(() => {
        void store.conversations
          .openWhatsAppConversationIds()
          .then((ids) => ids.forEach((id) => changes.conversation(id)))
          .catch((error: unknown) => log.error('clock jump not announced', { error: String(error) }))
      })
      webhooks.processPending()
      // Unfinished downloads stay marked as such when this fails; the next start resumes them.
      void downloader.resumePending().catch((error: unknown) => log.error('resuming downloads failed', { error: String(error) }))
      await scheduler.start()
      await health.start()
      templatesRead = readTemplates().catch(() => undefined)
      stopCompliance ??= await startCompliance(ctx, media)
    },
    async close() {
      stopJumpUpdates?.()
      await slowStep(log, 'close: webhook intake', webhooks.drained())
      webhooks.stop()
      downloader.stop()
      health.stop()
      await slowStep(log, 'close: template read', templatesRead)
      await slowStep(log, 'close: account health', health.settled())
      await slowStep(log, 'close: media downloads', downloader.settled())
      await slowStep(log, 'close: outbox scheduler', scheduler.shutdown())
      await slowStep(log, 'close: compliance timers', async () => stopCompliance?.())
      await slowStep(log, 'close: change feed', changes.flushed())
      db?.close()
    },
    async settled() {
      await templatesRead
      await webhooks.drained()
      await changes.flushed()
      await scheduler.idle()
      await health.settled()
      await downloader.settled()
      await changes.flushed()
    },
  }
}
