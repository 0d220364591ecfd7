import { type EngineText, engineText } from '../shared/api/engine-text'
import { ApiFailure } from '../shared/api/result'
import type { MessageTemplate, Session } from '../shared/domain'
import type { EngineContext } from './context'
import type { HandlerTable } from './dispatcher'
import { toAuditEntry } from './db/repositories/ledger'
import { requireReader } from './services/access'
import { createContact, editContact, getContactOrFail, importContacts, listContacts, removeContact } from './services/contacts-service'
import {
  getConversation,
  listConversations,
  markConversationRead,
  requestConsentFor,
  startConversation,
} from './services/conversations-service'
import * as groups from './services/groups-service'
import { checkLexicon } from './services/lexicon'
import { uploadPicture, type MediaDownloader } from './services/media-service'
import { cancelMessage, listMessages, retryMessage, sendMessage } from './services/messages-service'
import { reactToMessage, type ReactionDeps } from './services/reactions-service'
import { searchMessages } from './services/search-service'
import type { TypingIndicator } from './services/typing-service'
import { sendApprovedTemplate } from './services/templates-service'
import { chooseOptInTemplate, optInTemplateView } from './services/opt-in-template'
import type { MediaStore } from './media/media-store'
import type { AccountHealth } from './outbox/account-health'

export interface HandlerDeps {
  ctx: EngineContext
  session: (userId: string) => Promise<Session>
  media: MediaStore
  downloader: MediaDownloader
  /** Sends WhatsApp read receipts for a conversation the user opened (fire and forget). */
  sendReadReceipt: (conversationId: string) => void
  /** The business number's health (sending paused while WhatsApp refuses the account). */
  health: AccountHealth
  /** The typing indicator, rate-limited per conversation. */
  typing: TypingIndicator
  /** Sends a reaction to WhatsApp at once (absent: WhatsApp not connected). */
  sendReaction?: ReactionDeps['send']
  /** Reads the account's templates from WhatsApp (fails `unavailable` without a connection). */
  listTemplates: () => Promise<MessageTemplate[]>
  runExport: (
    userId: string,
    input: { contactId?: string; conversationId?: string; from?: number; to?: number; organization?: boolean },
  ) => Promise<{ outDir: string; messages: number; conversations: number }>
}

const MAX_UPLOAD_BYTES = 50 * 1024 * 1024

/** One handler per contract channel: parse (done by the dispatcher) → service → value. */
export function createHandlers(deps: HandlerDeps): HandlerTable {
  const { ctx } = deps
  return {
    'session:get': (_, { userId }) => deps.session(userId),
    'session:signIn': async ({ userId }) => {
      if (!(await ctx.store.orgUsers.getOrgUser(userId))) throw new ApiFailure('not_found', engineText('user.notFound'))
      return deps.session(userId)
    },
    'org:users': () => ctx.store.orgUsers.listOrgUsers(),

    'contacts:list': ({ query }) => listContacts(ctx, query),
    'contacts:get': ({ id }) => getContactOrFail(ctx, id),
    'contacts:create': (draft, { userId }) => createContact(ctx, userId, draft),
    'contacts:update': ({ id, ...draft }, { userId }) => editContact(ctx, userId, id, draft),
    'contacts:delete': async ({ id }, { userId }) => {
      await removeContact(ctx, userId, id)
      return {}
    },
    'contacts:import': ({ format, text }, { userId }) =>
      importContacts(ctx, userId, format, text, (done, total) => ctx.events.publish([userId], 'contacts:importProgress', { done, total })),

    'conversations:list': (filter, { userId }) => listConversations(ctx, userId, filter),
    'conversations:get': ({ id }, { userId }) => getConversation(ctx, userId, id),
    'conversations:start': (input, { userId }) => startConversation(ctx, userId, input),
    'conversations:requestConsent': ({ id }, { userId }) => requestConsentFor(ctx, userId, id),
    'conversations:markRead': async ({ id }, { userId }) => {
      if (await markConversationRead(ctx, userId, id)) deps.sendReadReceipt(id)
      return {}
    },
    'conversations:addParticipant': ({ id, userId: added }, { userId }) => groups.addColleague(ctx, userId, id, added),
    'conversations:removeParticipant': ({ id, userId: removed }, { userId }) => groups.removeColleague(ctx, userId, id, removed),
    'conversations:leave': async ({ id }, { userId }) => {
      await groups.leave(ctx, userId, id)
      return {}
    },
    'conversations:transfer': async ({ id, toUserId, note }, { userId }) => {
      await groups.transfer(ctx, userId, id, toUserId, note)
      return {}
    },
    'conversations:restart': ({ id }, { userId }) => groups.restart(ctx, userId, id),

    'messages:list': (input, { userId }) => listMessages(ctx, userId, input),
    'messages:send': (input, { userId }) => sendMessage(ctx, userId, input),
    'conversations:typing': ({ id }, { userId }) => deps.typing.typing(userId, id),
    'messages:react': (input, { userId }) =>
      reactToMessage(ctx, userId, input, { send: deps.sendReaction, health: () => deps.health.view() }),
    'messages:retry': ({ id }, { userId }) => retryMessage(ctx, userId, id),
    'messages:cancel': ({ id }, { userId }) => cancelMessage(ctx, userId, id),
    'messages:retryDownload': ({ id }, { userId }) => deps.downloader.retry(userId, id),
    'messages:checkText': ({ text }) => checkLexicon(ctx, text),

    'media:upload': async ({ bytes: given, dataBase64 }) => {
      const bytes = given ?? Buffer.from(dataBase64 ?? '', 'base64')
      if (bytes.byteLength > MAX_UPLOAD_BYTES) throw new ApiFailure('invalid', engineText('request.fileTooLarge', { megabytes: 50 }))
      return uploadPicture(ctx, deps.media, bytes)
    },

    'templates:list': () => deps.listTemplates(),
    'templates:send': (input, { userId }) => sendApprovedTemplate(ctx, userId, input),
    'templates:optIn': () => optInTemplateView(ctx),
    'templates:setOptIn': async ({ name }, { userId }) => {
      await requireAdmin(ctx, userId, engineText('admin.chooseOptIn'))
      // Choose among the templates as WhatsApp holds them now, not as last read.
      await deps.listTemplates().catch(() => undefined)
      return chooseOptInTemplate(ctx, userId, name)
    },
    'account:health': () => deps.health.view(),
    'account:resume': async (_, { userId }) => {
      await requireAdmin(ctx, userId, engineText('admin.resume'))
      await deps.health.resume('admin')
      return deps.health.view()
    },

    'search:messages': ({ query, limit, before }, { userId }) => searchMessages(ctx, userId, query, limit ?? 50, before),

    'audit:list': async ({ conversationId, limit }, { userId }) => {
      if (conversationId) await requireReader(ctx, conversationId, userId)
      return (await ctx.store.ledger.listAudit({ conversationId, limit, visibleTo: userId })).map(toAuditEntry)
    },
    'export:run': (input, { userId }) => deps.runExport(userId, input),
    // The directory lives on the team server, which answers these before the engine does.
    'users:list': teamServerOnly,
    'users:invite': teamServerOnly,
    'users:setRole': teamServerOnly,
    'users:deactivate': teamServerOnly,
    'users:reactivate': teamServerOnly,
    'tokens:list': teamServerOnly,
    'admin:webhook': teamServerOnly,
    'admin:audit': teamServerOnly,
    'admin:conversationsOf': teamServerOnly,
    'admin:handOver': teamServerOnly,
    'admin:policy': teamServerOnly,
    'admin:setPolicy': teamServerOnly,
    'admin:connector': teamServerOnly,
    'admin:setConnector': teamServerOnly,
    'admin:sms': teamServerOnly,
    'admin:setSms': teamServerOnly,
  }
}

/** On the team server only admins; the desktop app's one user runs their own number. */
async function requireAdmin(ctx: EngineContext, userId: string, refusal: EngineText): Promise<void> {
  if ((await ctx.store.accounts.countAdmins()) > 0 && (await ctx.store.accounts.getAccount(userId))?.role !== 'admin')
    throw new ApiFailure('forbidden', refusal)
}

function teamServerOnly(): never {
  throw new ApiFailure('unavailable', engineText('admin.serverOnly'))
}
