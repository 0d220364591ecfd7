import type { Db } from '../open'
import { statements } from '../statements'

export const ROLES = ['admin', 'member'] as const
export type Role = (typeof ROLES)[number]
export type CredentialKind = 'session' | 'token'

export interface AccountRow {
  user_id: string
  name: string
  role: Role
  password_hash: string | null
  /** Whether the org user is active (a deactivated user cannot sign in). */
  active: number
}

export interface CredentialRow {
  id: string
  user_id: string
  kind: CredentialKind
  name: string | null
  created_at: number
  last_used_at: number
  revoked_at: number | null
}

const ACCOUNT = `SELECT a.user_id, u.name, a.role, a.password_hash, u.active FROM accounts a JOIN org_users u ON u.id = a.user_id`

export function getAccount(db: Db, userId: string): AccountRow | undefined {
  return statements(db).prepare(`${ACCOUNT} WHERE a.user_id = ?`).get(userId) as AccountRow | undefined
}

export function listAccounts(db: Db): AccountRow[] {
  return statements(db).prepare(`${ACCOUNT} ORDER BY u.name`).all() as AccountRow[]
}

export function countAdmins(db: Db): number {
  return (
    statements(db)
      .prepare(`SELECT COUNT(*) AS n FROM accounts a JOIN org_users u ON u.id = a.user_id WHERE a.role = 'admin' AND u.active = 1`)
      .get() as { n: number }
  ).n
}

/** Creates the org user when missing (the server's directory), then its account. */
export function upsertAccount(
  db: Db,
  input: { userId: string; name: string; role: Role; passwordHash?: string | null; now: number },
): void {
  db.transaction(() => {
    statements(db)
      .prepare(
        `INSERT INTO org_users (id, name, extension, active) VALUES (@userId, @name, NULL, 1)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name`,
      )
      .run(input)
    statements(db)
      .prepare(
        `INSERT INTO accounts (user_id, role, password_hash, created_at, updated_at) VALUES (@userId, @role, @passwordHash, @now, @now)
         ON CONFLICT(user_id) DO UPDATE SET role = excluded.role,
           password_hash = COALESCE(excluded.password_hash, accounts.password_hash), updated_at = excluded.updated_at`,
      )
      .run({ ...input, passwordHash: input.passwordHash ?? null })
  })()
}

export function setRole(db: Db, userId: string, role: Role, now: number): void {
  statements(db).prepare('UPDATE accounts SET role = ?, updated_at = ? WHERE user_id = ?').run(role, now, userId)
}

/** Users with an invitation they can still use. */
export function usersWithLiveInvites(db: Db, now: number): Set<string> {
  return new Set(
    statements(db).prepare('SELECT DISTINCT user_id FROM invites WHERE used_at IS NULL AND expires_at > ?').pluck().all(now) as string[],
  )
}

export function setPasswordHash(db: Db, userId: string, passwordHash: string, now: number): void {
  statements(db).prepare('UPDATE accounts SET password_hash = ?, updated_at = ? WHERE user_id = ?').run(passwordHash, now, userId)
}

export function setUserActive(db: Db, userId: string, active: boolean): boolean {
  return (
    statements(db)
      .prepare('UPDATE org_users SET active = ? WHERE id = ?')
      .run(active ? 1 : 0, userId).changes > 0
  )
}

export function insertCredential(
  db: Db,
  row: { id: string; secretHash: string; userId: string; kind: CredentialKind; name: string | null; now: number },
): void {
  statements(db)
    .prepare(
      `INSERT INTO credentials (id, secret_hash, user_id, kind, name, created_at, last_used_at)
       VALUES (@id, @secretHash, @userId, @kind, @name, @now, @now)`,
    )
    .run(row)
}

export function credentialBySecret(db: Db, secretHash: string): CredentialRow | undefined {
  return statements(db)
    .prepare('SELECT id, user_id, kind, name, created_at, last_used_at, revoked_at FROM credentials WHERE secret_hash = ?')
    .get(secretHash) as CredentialRow | undefined
}

export function touchCredential(db: Db, id: string, now: number): void {
  statements(db).prepare('UPDATE credentials SET last_used_at = ? WHERE id = ?').run(now, id)
}

export function listCredentials(db: Db, userId: string | undefined, kind: CredentialKind): CredentialRow[] {
  return statements(db)
    .prepare(
      `SELECT id, user_id, kind, name, created_at, last_used_at, revoked_at FROM credentials
       WHERE kind = @kind AND revoked_at IS NULL AND (@userId IS NULL OR user_id = @userId) ORDER BY created_at`,
    )
    .all({ kind, userId: userId ?? null }) as CredentialRow[]
}

export function getCredential(db: Db, id: string): CredentialRow | undefined {
  return statements(db)
    .prepare('SELECT id, user_id, kind, name, created_at, last_used_at, revoked_at FROM credentials WHERE id = ?')
    .get(id) as CredentialRow | undefined
}

export function revokeCredential(db: Db, id: string, now: number): boolean {
  return statements(db).prepare('UPDATE credentials SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0
}

/** Revokes a user's credentials (all kinds, or one); returns the ids revoked. */
export function revokeCredentialsOf(db: Db, userId: string, now: number, kind?: CredentialKind): string[] {
  const ids = statements(db)
    .prepare('SELECT id FROM credentials WHERE user_id = @userId AND revoked_at IS NULL AND (@kind IS NULL OR kind = @kind)')
    .pluck()
    .all({ userId, kind: kind ?? null }) as string[]
  for (const id of ids) revokeCredential(db, id, now)
  return ids
}

export function insertInvite(
  db: Db,
  row: { secretHash: string; userId: string; createdBy: string | null; now: number; expiresAt: number },
): void {
  statements(db)
    .prepare(
      `INSERT INTO invites (secret_hash, user_id, created_by, created_at, expires_at) VALUES (@secretHash, @userId, @createdBy, @now, @expiresAt)`,
    )
    .run(row)
}

/** Marks a live invitation used and returns its user; undefined when unknown, used or expired. */
export function consumeInvite(db: Db, secretHash: string, now: number): string | undefined {
  const row = statements(db)
    .prepare('SELECT user_id FROM invites WHERE secret_hash = ? AND used_at IS NULL AND expires_at > ?')
    .get(secretHash, now) as { user_id: string } | undefined
  if (!row) return undefined
  statements(db).prepare('UPDATE invites SET used_at = ? WHERE secret_hash = ?').run(now, secretHash)
  return row.user_id
}

/** The conversations that hold this media, as a message's picture or as that picture's thumbnail. */
export function conversationsHoldingMedia(db: Db, mediaId: string): string[] {
  return statements(db)
    .prepare(
      `SELECT DISTINCT conversation_id FROM messages
       WHERE media_id = @mediaId OR media_id IN (SELECT id FROM media WHERE thumbnail_id = @mediaId)`,
    )
    .pluck()
    .all({ mediaId }) as string[]
}
