import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import type { Store } from '../../core/db/store'
import { type EngineText, engineText, englishOf } from '../../shared/api/engine-text'
import { type CredentialKind, type CredentialRow, type Role } from '../../core/db/repositories/accounts'

export const MIN_PASSWORD_LENGTH = 12
export const INVITE_LIFETIME_MS = 72 * 3600_000

export interface SessionPolicy {
  /** A session not used for this long is over (default 12 h). */
  idleMs: number
  /** A session is over this long after sign-in, used or not (default 30 days). */
  absoluteMs: number
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 12 * 3600_000, absoluteMs: 30 * 24 * 3600_000 }

/** Who a request is, proven by a session cookie or a personal access token. */
export interface Identity {
  userId: string
  name: string
  role: Role
  credentialId: string
  kind: CredentialKind
}

/** A password the server will not take: `text` is the reason as a code and values the window translates. */
export class PasswordRejected extends Error {
  constructor(readonly text: EngineText) {
    super(englishOf(text))
  }
}

/** Throws PasswordRejected with the reason a person can act on. */
export function checkPasswordRules(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new PasswordRejected(engineText('auth.passwordTooShort', { count: MIN_PASSWORD_LENGTH }))
  if (password.length > 1024) throw new PasswordRejected(engineText('auth.passwordTooLong'))
}

const sha256 = (secret: string) => createHash('sha256').update(secret).digest('base64url')
// Verifying against this when an account has no password keeps the answer's timing the same.
const DUMMY_HASH = hash('greenline-no-such-account')

/**
 * Sessions, personal access tokens, passwords and invitations of the team server. Secrets are
 * random 32-byte strings shown once; only their SHA-256 is stored. Passwords are argon2id.
 */
export function createCredentials(store: Store, now: () => number, policy: SessionPolicy = DEFAULT_SESSION_POLICY) {
  const revokedListeners = new Set<(credentialIds: readonly string[]) => void>()
  const announce = (ids: readonly string[]) => {
    if (ids.length) for (const listener of revokedListeners) listener(ids)
  }

  const issue = async (userId: string, kind: CredentialKind, name: string | null = null) => {
    const secret = `${kind === 'session' ? 'gls' : 'glt'}_${randomBytes(32).toString('base64url')}`
    const id = randomUUID()
    await store.accounts.insertCredential({ id, secretHash: sha256(secret), userId, kind, name, now: now() })
    return { id, secret }
  }

  const expired = (row: CredentialRow, at: number) =>
    row.kind === 'session' && (at - row.last_used_at > policy.idleMs || at - row.created_at > policy.absoluteMs)

  return {
    /** Starts a browser session for a user who has just proven who they are. */
    startSession: (userId: string) => issue(userId, 'session'),

    createToken: (userId: string, name: string) => issue(userId, 'token', name),

    /** The identity behind a secret, or undefined (unknown, revoked, expired, or the user deactivated). */
    async resolve(secret: string | undefined): Promise<Identity | undefined> {
      if (!secret) return undefined
      const row = await store.accounts.credentialBySecret(sha256(secret))
      if (!row || row.revoked_at !== null) return undefined
      const at = now()
      if (expired(row, at)) {
        await store.accounts.revokeCredential(row.id, at)
        announce([row.id])
        return undefined
      }
      const account = await store.accounts.getAccount(row.user_id)
      if (!account || !account.active) return undefined
      // One write a minute at most per credential: idle expiry needs no finer grain.
      if (at - row.last_used_at > 60_000) await store.accounts.touchCredential(row.id, at)
      return { userId: account.user_id, name: account.name, role: account.role, credentialId: row.id, kind: row.kind }
    },

    /** Whether `password` is this active account's; the same work whether or not the account exists. */
    async checkPassword(userId: string, password: string): Promise<boolean> {
      const account = await store.accounts.getAccount(userId)
      const stored = account?.password_hash ?? (await DUMMY_HASH)
      const matches = await verify(stored, password).catch(() => false)
      return matches && !!account?.active && account.password_hash !== null
    },

    async setPassword(userId: string, password: string): Promise<void> {
      checkPasswordRules(password)
      await store.accounts.setPasswordHash(userId, await hash(password), now())
    },

    async createInvite(userId: string, createdBy: string | null): Promise<{ secret: string; expiresAt: number }> {
      const secret = randomBytes(32).toString('base64url')
      const expiresAt = now() + INVITE_LIFETIME_MS
      await store.accounts.insertInvite({ secretHash: sha256(secret), userId, createdBy, now: now(), expiresAt })
      return { secret, expiresAt }
    },

    /** Uses an invitation: the password is checked first, so a too-short one does not spend it. */
    async acceptInvite(secret: string, password: string): Promise<string | undefined> {
      checkPasswordRules(password)
      const passwordHash = await hash(password)
      return store.transaction(async (tx) => {
        const invited = await tx.accounts.consumeInvite(sha256(secret), now())
        if (invited) await tx.accounts.setPasswordHash(invited, passwordHash, now())
        return invited
      })
    },

    listTokens: (userId: string | undefined) => store.accounts.listCredentials(userId, 'token'),
    getCredential: (id: string) => store.accounts.getCredential(id),

    async revoke(id: string): Promise<boolean> {
      const revoked = await store.accounts.revokeCredential(id, now())
      if (revoked) announce([id])
      return revoked
    },

    /** Ends every session (and with `kind` undefined, every token) of a user. */
    async revokeAllOf(userId: string, kind?: CredentialKind): Promise<void> {
      announce(await store.accounts.revokeCredentialsOf(userId, now(), kind))
    },

    /** Called with the ids of credentials as they are revoked or expire (to close their sockets). */
    onRevoked(listener: (credentialIds: readonly string[]) => void): () => void {
      revokedListeners.add(listener)
      return () => revokedListeners.delete(listener)
    },
  }
}

export type Credentials = ReturnType<typeof createCredentials>
