import type { z } from 'zod'
import { fail, ok, type Result } from '../shared/api/result'
import { requestChannels, type DirectoryUser, type ValueOf } from '../shared/api/contract'
import type { Conversation } from '../shared/domain'
import type { AccountRow } from '../core/db/repositories/accounts'
import { toAuditEntry } from '../core/db/repositories/ledger'
import type { Engine } from '../core/engine'
import { createLogger } from '../core/platform/logger'
import { WhatsAppConfigError } from '../core/whatsapp/config'
import type { Credentials } from './auth/credentials'
import type { ConnectorAdmin } from './secrets/connector-admin'
import type { SmsAdmin } from './secrets/sms-admin'
import { SmsConfigError } from '../core/channels/sms-config'
import type { PolicyAdmin } from './policy-admin'
import { OrgPolicyError } from '../core/org/org-policy'
import { handOver } from '../core/services/groups-service'
import { loadConversation } from '../core/services/views'
import { ApiFailure, type ErrorCode } from '../shared/api/result'

const log = createLogger('directory')

type DirectoryChannel =
  | 'users:list'
  | 'users:invite'
  | 'users:setRole'
  | 'users:deactivate'
  | 'users:reactivate'
  | 'tokens:list'
  | 'admin:webhook'
  | 'admin:audit'
  | 'admin:conversationsOf'
  | 'admin:handOver'
  | 'admin:policy'
  | 'admin:setPolicy'
  | 'admin:connector'
  | 'admin:setConnector'
  | 'admin:sms'
  | 'admin:setSms'

type HostChannel = (payload: unknown, userId: string | undefined) => Promise<Result<unknown>>

/**
 * The team server's own channels over the API socket: the people who may sign in, and tokens.
 * Everything but `tokens:list` (one's own) is for admins.
 */
export function createDirectoryChannels(deps: {
  engine: Engine
  credentials: Credentials
  publicUrl: URL
  webhook: { verifyToken: string; mode: 'sandbox' | 'cloud' }
  connector: ConnectorAdmin
  policy: PolicyAdmin
  sms: SmsAdmin
}) {
  const { engine, credentials } = deps
  const now = () => engine.clock.now()
  // Admin actions go into the same tamper-evident audit ledger as conversation events.
  const audit = (actorId: string, action: string, detail: Record<string, unknown>) =>
    engine.store.ledger.appendAudit({ at: now(), actorId, action, detail })

  const handle = <C extends DirectoryChannel>(
    channel: C,
    adminOnly: boolean,
    run: (input: z.output<(typeof requestChannels)[C]['request']>, actor: string, isAdmin: boolean) => ValueOf<C> | Promise<ValueOf<C>>,
  ): HostChannel => {
    return async (payload, actor) => {
      if (!actor) return fail('forbidden', 'Sign in first')
      const isAdmin = (await engine.store.accounts.getAccount(actor))?.role === 'admin'
      if (adminOnly && !isAdmin) return fail('forbidden', 'Only an administrator can do this')
      const parsed = requestChannels[channel].request.safeParse(payload ?? {})
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        // Our own messages are sentences for people; zod's defaults are for developers.
        const message =
          issue?.message && /^[A-Z]/.test(issue.message) ? issue.message : `Invalid ${channel} request: ${issue?.message ?? 'malformed'}`
        return fail('invalid', message)
      }
      try {
        return ok(await run(parsed.data as z.output<(typeof requestChannels)[C]['request']>, actor, isAdmin))
      } catch (error) {
        if (error instanceof DirectoryError) return fail(error.code, error.message)
        // The engine's own refusals keep their code and values, so the admin reads them in their language.
        if (error instanceof ApiFailure) return fail(error.code, error.text ?? error.message, error.details)
        throw error
      }
    }
  }

  const channels: Record<DirectoryChannel, HostChannel> = {
    'users:list': handle('users:list', true, async () => {
      const invited = await engine.store.accounts.usersWithLiveInvites(now())
      return (await engine.store.accounts.listAccounts()).map(toDirectoryUser(invited))
    }),
    'users:invite': handle('users:invite', true, async (input, actor) => {
      const existing = await engine.store.accounts.getAccount(input.userId)
      if (existing?.password_hash) throw new DirectoryError('conflict', `${input.userId} already has an account.`)
      await engine.store.accounts.upsertAccount({ userId: input.userId, name: input.name, role: input.role, now: now() })
      const { secret, expiresAt } = await credentials.createInvite(input.userId, actor)
      log.info('user invited', { user: input.userId, by: actor })
      await audit(actor, 'user.invited', { userId: input.userId, role: input.role })
      return { userId: input.userId, inviteUrl: new URL(`/invite?token=${secret}`, deps.publicUrl).href, expiresAt }
    }),
    'users:setRole': handle('users:setRole', true, async (input, actor) => {
      const account = await engine.store.accounts.getAccount(input.userId)
      if (!account) throw new DirectoryError('not_found', `No user ${input.userId}`)
      if (account.role === 'admin' && input.role === 'member' && account.active && (await engine.store.accounts.countAdmins()) === 1) {
        throw new DirectoryError('conflict', 'This is the last administrator; make someone else an administrator first.')
      }
      await engine.store.accounts.setRole(input.userId, input.role, now())
      log.info('role changed', { user: input.userId, role: input.role, by: actor })
      await audit(actor, 'user.role_changed', { userId: input.userId, role: input.role })
      return toDirectoryUser(await engine.store.accounts.usersWithLiveInvites(now()))(
        (await engine.store.accounts.getAccount(input.userId))!,
      )
    }),
    'users:deactivate': handle('users:deactivate', true, async (input, actor) => {
      const account = await engine.store.accounts.getAccount(input.userId)
      if (!account) throw new DirectoryError('not_found', `No user ${input.userId}`)
      if (input.userId === actor) throw new DirectoryError('conflict', 'You cannot deactivate yourself; ask another administrator.')
      if (account.role === 'admin' && account.active && (await engine.store.accounts.countAdmins()) === 1) {
        throw new DirectoryError('conflict', 'This is the last administrator; make someone else an administrator first.')
      }
      await engine.store.accounts.setUserActive(input.userId, false)
      // Signed out at once, on every device; their conversations stay for the other participants.
      await credentials.revokeAllOf(input.userId)
      log.info('user deactivated', { user: input.userId, by: actor })
      await audit(actor, 'user.deactivated', { userId: input.userId })
      return { userId: input.userId, active: false as const }
    }),
    'users:reactivate': handle('users:reactivate', true, async (input, actor) => {
      if (!(await engine.store.accounts.getAccount(input.userId))) throw new DirectoryError('not_found', `No user ${input.userId}`)
      await engine.store.accounts.setUserActive(input.userId, true)
      log.info('user reactivated', { user: input.userId, by: actor })
      await audit(actor, 'user.reactivated', { userId: input.userId })
      return { userId: input.userId, active: true as const }
    }),
    'tokens:list': handle('tokens:list', false, async (input, actor, isAdmin) =>
      (await credentials.listTokens(input.all && isAdmin ? undefined : actor)).map((t) => ({
        id: t.id,
        userId: t.user_id,
        name: t.name,
        createdAt: t.created_at,
        lastUsedAt: t.last_used_at,
      })),
    ),
    'admin:webhook': handle('admin:webhook', true, () => ({
      callbackUrl: new URL('/webhooks/whatsapp', deps.publicUrl).href,
      verifyToken: deps.webhook.verifyToken,
      mode: deps.webhook.mode,
    })),
    'admin:audit': handle('admin:audit', true, async (input) =>
      (await engine.store.ledger.listAudit({ limit: input.limit ?? 200 })).map(toAuditEntry),
    ),
    'admin:conversationsOf': handle('admin:conversationsOf', true, async (input) => {
      if (!(await engine.store.accounts.getAccount(input.userId))) throw new DirectoryError('not_found', `No user ${input.userId}`)
      const conversations: Conversation[] = []
      for (const id of await engine.store.conversations.openConversationIdsOf(input.userId)) {
        const conversation = await loadConversation(engine.store, id, input.userId, now())
        if (conversation) conversations.push(conversation)
      }
      return conversations
    }),
    'admin:handOver': handle('admin:handOver', true, async (input, actor) => {
      await handOver(engine.ctx, actor, input.id, input.fromUserId, input.toUserId, input.note)
      log.info('conversation handed over', { conversation: input.id, from: input.fromUserId, to: input.toUserId, by: actor })
      return {}
    }),
    'admin:policy': handle('admin:policy', true, () => deps.policy.view()),
    'admin:setPolicy': handle('admin:setPolicy', true, async (input, actor) => {
      try {
        const saved = await deps.policy.save(input.policy)
        await audit(actor, 'policy.saved', { fields: Object.keys(input.policy) })
        return saved
      } catch (error) {
        if (error instanceof OrgPolicyError) throw new DirectoryError('invalid', error.message)
        throw error
      }
    }),
    'admin:connector': handle('admin:connector', true, () => deps.connector.view()),
    'admin:setConnector': handle('admin:setConnector', true, async (input, actor) => {
      try {
        const saved = await deps.connector.save(input)
        log.info('connector saved', { by: actor, fields: Object.keys(input) })
        // Which fields changed, never their values.
        await audit(actor, 'connector.saved', { fields: Object.keys(input) })
        return saved
      } catch (error) {
        if (error instanceof WhatsAppConfigError) throw new DirectoryError('invalid', error.message)
        throw error
      }
    }),
    'admin:sms': handle('admin:sms', true, () => deps.sms.view()),
    'admin:setSms': handle('admin:setSms', true, async (input, actor) => {
      try {
        const saved = await deps.sms.save(input)
        // Which fields changed, never the secrets' values.
        await audit(actor, 'sms.saved', { provider: saved.sms.provider ?? 'sandbox', fields: Object.keys(input) })
        return saved
      } catch (error) {
        if (error instanceof SmsConfigError || error instanceof OrgPolicyError) throw new DirectoryError('invalid', error.message)
        throw error
      }
    }),
  }
  return channels
}

const toDirectoryUser =
  (invited: Set<string>) =>
  (a: AccountRow): DirectoryUser => ({
    id: a.user_id,
    name: a.name,
    role: a.role,
    active: !!a.active,
    hasPassword: !!a.password_hash,
    invitePending: !a.password_hash && invited.has(a.user_id),
  })

class DirectoryError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}
