import { z } from 'zod'
import type {
  AccountHealthView,
  MessageTemplate,
  OptInTemplateView,
  Contact,
  Conversation,
  ImportSummary,
  Message,
  OrgUser,
  SearchHit,
  Session,
} from '../domain'
import { CHANNELS } from '../domain'
import { lengthProblem, WHATSAPP_LIMITS } from '../message-length'

/**
 * The one API contract. Every request channel has a zod schema for its payload and a result type;
 * the preload, the WebSocket client, the IPC registration and the host dispatcher all derive from
 * this table, so a new channel is one entry here plus one engine handler.
 */

const id = z.string().min(1).max(200)
const text = (max: number) => z.string().max(max)
const empty = z.object({}).strict()

const contactFields = {
  name: z.string().trim().min(1, 'A name is required').max(200),
  phone: z.string().trim().max(40).optional(),
  company: z.string().trim().max(200).optional(),
  email: z.string().trim().max(320).optional(),
  /** The language they read (`pt_BR`, `es`, `en_US`; `pt-BR` is read as `pt_BR`): picks the opt-in translation. */
  language: z.string().trim().max(40).optional(),
}

export interface AuditEntry {
  id: string
  at: number
  actorId?: string
  action: string
  conversationId?: string
  detail: Record<string, unknown>
}

/** A person who may sign in to the team server (users:list). */
export interface DirectoryUser {
  id: string
  name: string
  role: 'admin' | 'member'
  active: boolean
  /** False until they accept their invitation (or when they sign in only by SSO). */
  hasPassword: boolean
  /** An invitation was sent and is still usable (not accepted, not expired). */
  invitePending: boolean
}

export interface InviteValue {
  userId: string
  /** The one-time link to send them: open it, set a password. Valid for 72 hours. */
  inviteUrl: string
  expiresAt: number
}

export interface AccessToken {
  id: string
  userId: string
  name: string | null
  createdAt: number
  lastUsedAt: number
}

export interface WebhookSetup {
  callbackUrl: string
  verifyToken: string
  /** `sandbox`: Meta is not involved yet; the sandbox posts to this URL itself. */
  mode: 'sandbox' | 'cloud'
}

export interface PolicyView {
  /** The policy as JSON, in the org file's shape but without `users`. */
  policy: Record<string, unknown>
  /** `file`: from the org file (or the demo organization); `saved`: saved by an admin, winning over the file. */
  source: 'file' | 'saved'
  restartRequired: boolean
}

export interface ConnectorView {
  /** What the running server uses. */
  mode: 'sandbox' | 'cloud'
  saved: {
    phoneNumberId?: string
    wabaId?: string
    apiVersion?: string
    accessTokenSet: boolean
    appSecretSet: boolean
    verifyTokenSet: boolean
  } | null
  /** GREENLINE_WA_* variables set on the server: they win over what is saved here. */
  environmentOverrides: string[]
  /** Saved settings differ from what runs until the server restarts. */
  restartRequired: boolean
}

/** The SMS provider as an admin sees it: `sms` of the policy, and whether each secret is saved. */
export interface SmsSettingsView {
  /** The provider the running server uses. */
  running: 'sandbox' | 'twilio' | 'webhook'
  /** The policy's `sms` section as saved (provider, Twilio account and number, webhook URL). */
  sms: Record<string, unknown>
  secrets: { twilioApiKeySecretSet: boolean; twilioAuthTokenSet: boolean; webhookSecretSet: boolean }
  /** What to configure at the provider: Twilio's number webhooks, the generic provider's inbound URL. */
  urls: { twilioSms: string; twilioVoicemail: string; channels: string }
  /** GREENLINE_TWILIO_* / GREENLINE_SMS_* variables set on the server: they win over saved secrets. */
  environmentOverrides: string[]
  restartRequired: boolean
}

export interface MediaUploadValue {
  mediaId: string
  mimeType: string
  size: number
  width: number
  height: number
  converted: boolean
}

export interface LexiconVerdict {
  action: 'ok' | 'warn' | 'block'
  rule?: string
  reason?: string
}

export interface ExportValue {
  outDir: string
  messages: number
  conversations: number
}

/** `channel<Value>()(schema)`: the payload type comes from the schema, the value type is named. */
const channel =
  <Value>() =>
  <Schema extends z.ZodType>(request: Schema) => ({ request, value: undefined as unknown as Value })

export const requestChannels = {
  'session:get': channel<Session>()(empty),
  /** Browser host only: choose which org user this connection acts as. */
  'session:signIn': channel<Session>()(z.object({ userId: id }).strict()),
  'org:users': channel<OrgUser[]>()(empty),

  'contacts:list': channel<Contact[]>()(z.object({ query: text(200).optional() }).strict()),
  'contacts:get': channel<Contact>()(z.object({ id }).strict()),
  'contacts:create': channel<Contact>()(
    z
      .object({
        ...contactFields,
        /** A WhatsApp user known only by their business-scoped user id (they share a username, no number). */
        userId: z
          .string()
          .regex(/^[A-Z]{2}\.[A-Za-z0-9.]{1,200}$/, 'Not a WhatsApp user id (like US.1234567890123)')
          .optional(),
      })
      .strict(),
  ),
  'contacts:update': channel<Contact>()(z.object({ id, ...contactFields }).strict()),
  'contacts:delete': channel<Record<string, never>>()(z.object({ id }).strict()),
  'contacts:import': channel<ImportSummary>()(z.object({ format: z.enum(['csv', 'vcard']), text: z.string().max(20_000_000) }).strict()),

  'conversations:list': channel<Conversation[]>()(
    z
      .object({
        channel: z.enum(CHANNELS).optional(),
        unread: z.boolean().optional(),
        contactId: id.optional(),
        /** Continue after this row: `${lastActivityAt}:${id}` of the previous page's last conversation. */
        cursor: z.string().max(300).optional(),
        /** Page size; 100 when omitted, at most 1,000. */
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
  ),
  'conversations:get': channel<Conversation>()(z.object({ id }).strict()),
  'conversations:start': channel<Conversation>()(
    z
      .object({
        contactId: id,
        channel: z.enum(['whatsapp', 'sms']),
        newThread: z.boolean().optional(),
        /** Default true: a WhatsApp start without consent sends the opt-in request. */
        requestConsent: z.boolean().optional(),
      })
      .strict(),
  ),
  'conversations:requestConsent': channel<Conversation>()(z.object({ id }).strict()),
  'conversations:markRead': channel<Record<string, never>>()(z.object({ id }).strict()),
  /** The office user is typing: the person sees "typing…" (open window only, at most every 20 s). */
  'conversations:typing': channel<{ sent: boolean }>()(z.object({ id }).strict()),
  'conversations:addParticipant': channel<Conversation>()(z.object({ id, userId: id }).strict()),
  'conversations:removeParticipant': channel<Conversation>()(z.object({ id, userId: id }).strict()),
  'conversations:leave': channel<Record<string, never>>()(z.object({ id }).strict()),
  'conversations:transfer': channel<Record<string, never>>()(z.object({ id, toUserId: id, note: text(1000).optional() }).strict()),
  'conversations:restart': channel<Conversation>()(z.object({ id }).strict()),

  'messages:list': channel<Message[]>()(
    z
      .object({ conversationId: id, before: z.number().int().nonnegative().optional(), limit: z.number().int().min(1).max(500).optional() })
      .strict(),
  ),
  'messages:send': channel<Message>()(
    z
      .object({
        conversationId: id,
        text: text(WHATSAPP_LIMITS.text).optional(),
        mediaId: z
          .string()
          .regex(/^[0-9a-f]{64}$/, 'Not a media id')
          .optional(),
        caption: text(WHATSAPP_LIMITS.caption).optional(),
        clientId: id.optional(),
        /** The user saw a lexicon warning and chose to send anyway. */
        confirmWarning: z.boolean().optional(),
        /** Quote this message of the thread (a WhatsApp contextual reply). */
        replyTo: id.optional(),
      })
      .strict()
      .refine((p) => (p.text !== undefined && p.text.trim() !== '') || p.mediaId !== undefined, {
        message: 'A message needs text or a picture',
      })
      // Counted as the Cloud API counts (an emoji is two), not as zod counts characters.
      .superRefine((p, check) => {
        const problem =
          (p.text !== undefined && lengthProblem(p.text, 'text')) || (p.caption !== undefined && lengthProblem(p.caption, 'caption'))
        if (problem) check.addIssue({ code: 'custom', message: problem })
      }),
  ),
  'messages:retry': channel<Message>()(z.object({ id }).strict()),
  /** React to a message of a WhatsApp thread; `emoji: ''` removes your reaction. Sent at once, or refused with why. */
  'messages:react': channel<Message>()(
    z
      .object({
        id,
        emoji: z
          .string()
          .max(32)
          .refine((e) => e === '' || /^\p{Extended_Pictographic}/u.test(e), 'Not an emoji'),
      })
      .strict(),
  ),
  'messages:cancel': channel<Message>()(z.object({ id }).strict()),
  'messages:retryDownload': channel<Message>()(z.object({ id }).strict()),
  'messages:checkText': channel<LexiconVerdict>()(z.object({ text: text(4096) }).strict()),

  // Pictures travel as bytes: a Uint8Array over IPC, `POST /media` over HTTP. Base64 stays for
  // scripts on the socket, whose frames are limited to a few MB.
  'media:upload': channel<MediaUploadValue>()(
    z
      .object({
        bytes: z
          .instanceof(Uint8Array)
          .refine((b) => b.byteLength > 0, 'This file is empty')
          .optional(),
        dataBase64: z.string().min(1).max(70_000_000).optional(),
        filename: text(300).optional(),
      })
      .strict()
      .refine((p) => (p.bytes === undefined) !== (p.dataBase64 === undefined), { message: 'Send the picture as bytes or as dataBase64' }),
  ),

  /** The business account's message templates and their states, read from WhatsApp now. */
  'templates:list': channel<MessageTemplate[]>()(empty),
  /**
   * Sends an approved template of the account with its variables filled (`params`, in order), to
   * someone who agreed to receive messages; it ignores the 24-hour window. The thread shows the filled text.
   */
  'templates:send': channel<Message>()(
    z
      .object({
        conversationId: id,
        name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'Not a template name'),
        language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'Not a language code such as en_US'),
        params: z.array(text(1024)).max(30),
        clientId: id.optional(),
      })
      .strict(),
  ),
  /** The template that asks for consent: its name, who chose it, its approved translations. */
  'templates:optIn': channel<OptInTemplateView>()(empty),
  /**
   * Admins (anyone in the desktop app): make an approved template of the account the opt-in
   * template. Each contact then gets its translation for their language; audited.
   */
  'templates:setOptIn': channel<OptInTemplateView>()(
    z.object({ name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'Not a template name') }).strict(),
  ),
  /** Whether WhatsApp is refusing the business account (sending paused), and why. */
  'account:health': channel<AccountHealthView>()(empty),
  /** Admins: resume sending after fixing the account (held messages go out in order). */
  'account:resume': channel<AccountHealthView>()(empty),

  'search:messages': channel<SearchHit[]>()(
    z
      .object({
        query: z.string().trim().min(1).max(200),
        limit: z.number().int().min(1).max(200).optional(),
        /** The next page: hits older than this message (the previous page's last hit). */
        before: id.optional(),
      })
      .strict(),
  ),

  'audit:list': channel<AuditEntry[]>()(
    z.object({ conversationId: id.optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
  ),
  'export:run': channel<ExportValue>()(
    z
      .object({
        contactId: id.optional(),
        conversationId: id.optional(),
        from: z.number().int().optional(),
        to: z.number().int().optional(),
        /** Admins on the team server: every conversation of the organization, not only theirs. */
        organization: z.boolean().optional(),
      })
      .strict(),
  ),

  // The team server's directory. Answered by the server itself; the desktop app answers `unavailable`.
  'users:list': channel<DirectoryUser[]>()(empty),
  'users:invite': channel<InviteValue>()(
    z
      .object({
        userId: z
          .string()
          .trim()
          .min(1)
          .max(100)
          .regex(/^[\w.@+-]+$/, 'A user ID uses letters, digits and . _ @ + - only'),
        name: z.string().trim().min(1).max(200),
        role: z.enum(['admin', 'member']).default('member'),
      })
      .strict(),
  ),
  'users:setRole': channel<DirectoryUser>()(z.object({ userId: id, role: z.enum(['admin', 'member']) }).strict()),
  'users:deactivate': channel<{ userId: string; active: false }>()(z.object({ userId: id }).strict()),
  'users:reactivate': channel<{ userId: string; active: true }>()(z.object({ userId: id }).strict()),
  'tokens:list': channel<AccessToken[]>()(z.object({ all: z.boolean().optional() }).strict()),
  /** Admins: what to paste into Meta's dashboard (the callback URL and its verify token). */
  'admin:webhook': channel<WebhookSetup>()(empty),
  /** Admins: the organization policy the server runs (without its users: those are managed as people). */
  'admin:policy': channel<PolicyView>()(empty),
  /** Admins: saves a policy, validated with the org file's schema; applies at the next start. */
  'admin:setPolicy': channel<PolicyView>()(z.object({ policy: z.record(z.string(), z.unknown()) }).strict()),
  /** Admins: the open conversations a colleague is in (to hand over a deactivated colleague's). */
  'admin:conversationsOf': channel<Conversation[]>()(z.object({ userId: id }).strict()),
  /** Admins: gives a colleague's place in a conversation to another colleague. */
  'admin:handOver': channel<Record<string, never>>()(z.object({ id, fromUserId: id, toUserId: id, note: text(1000).optional() }).strict()),
  /** Admins: the whole audit log, newest first (members see theirs through audit:list). */
  'admin:audit': channel<AuditEntry[]>()(z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict()),
  /** Admins: the Cloud API connector as saved on the server. Secrets never leave it: only whether each is set. */
  'admin:connector': channel<ConnectorView>()(empty),
  /** Admins: saves the connector (encrypted at rest); a secret left out keeps its saved value. Applies at the next start. */
  'admin:setConnector': channel<ConnectorView>()(
    z
      .object({
        phoneNumberId: z.string().trim().max(100).optional(),
        wabaId: z.string().trim().max(100).optional(),
        apiVersion: z.string().trim().max(20).optional(),
        accessToken: z.string().trim().max(2000).optional(),
        appSecret: z.string().trim().max(500).optional(),
        verifyToken: z.string().trim().max(500).optional(),
      })
      .strict(),
  ),
  /** Admins: the SMS provider (`sms.provider`: sandbox, twilio or webhook) and whether its secrets are set. */
  'admin:sms': channel<SmsSettingsView>()(empty),
  /** Admins: saves the SMS provider (policy) and its secrets (encrypted at rest; one left out keeps its value). Applies at the next start. */
  'admin:setSms': channel<SmsSettingsView>()(
    z
      .object({
        sms: z.record(z.string(), z.unknown()),
        twilioApiKeySecret: z.string().trim().max(500).optional(),
        twilioAuthToken: z.string().trim().max(500).optional(),
        webhookSecret: z.string().trim().max(500).optional(),
      })
      .strict(),
  ),
} as const

export type RequestChannel = keyof typeof requestChannels
export type RequestOf<C extends RequestChannel> = z.input<(typeof requestChannels)[C]['request']>
export type ValueOf<C extends RequestChannel> = (typeof requestChannels)[C]['value']
export const REQUEST_CHANNELS = Object.keys(requestChannels) as RequestChannel[]

export function isRequestChannel(name: unknown): name is RequestChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestChannels, name)
}

export interface EventPayloads {
  'messages:changed': Message
  'conversations:changed': Conversation
  /** The signed-in user lost access to a conversation (left, removed, transferred). */
  'conversations:removed': { id: string }
  'contacts:changed': Contact
  'contacts:removed': { id: string }
  'contacts:importProgress': { done: number; total: number }
  'export:progress': { done: number; total: number }
  /** Sending paused or resumed for the business number (everyone sees why; admins can resume). */
  'account:changed': AccountHealthView
}
export type EventChannel = keyof EventPayloads
export const EVENT_CHANNELS: EventChannel[] = [
  'messages:changed',
  'conversations:changed',
  'conversations:removed',
  'contacts:changed',
  'contacts:removed',
  'contacts:importProgress',
  'export:progress',
  'account:changed',
]

/** What the renderer sees: one async function per request channel plus event subscription. */
export interface GreenlineApi {
  request<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<import('./result').Result<ValueOf<C>>>
  on<E extends EventChannel>(event: E, listener: (payload: EventPayloads[E]) => void): () => void
}
