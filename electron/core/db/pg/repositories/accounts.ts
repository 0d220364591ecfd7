import type { AccountRow, CredentialKind, CredentialRow, Role } from '../../repositories/accounts'
import type { PgQueryable } from '../pool'
import { atomically } from './atomic'

// PostgreSQL twin of ../../repositories/accounts.ts. Names sort by code point (COLLATE "C"), as
// SQLite's default BINARY collation does, whatever the database's own collation. Where SQLite
// reads then writes (one writer at a time), these write in one statement with RETURNING, so two
// instances can never both use the same invitation or miss a credential being revoked.

const ACCOUNT = `SELECT a.user_id, u.name, a.role, a.password_hash, u.active FROM accounts a JOIN org_users u ON u.id = a.user_id`
const CREDENTIAL = 'SELECT id, user_id, kind, name, created_at, last_used_at, revoked_at FROM credentials'

export async function getAccount(db: PgQueryable, userId: string): Promise<AccountRow | undefined> {
  return (await db.query<AccountRow>(`${ACCOUNT} WHERE a.user_id = $1`, [userId])).rows[0]
}

export async function listAccounts(db: PgQueryable): Promise<AccountRow[]> {
  return (await db.query<AccountRow>(`${ACCOUNT} ORDER BY u.name COLLATE "C"`)).rows
}

export async function countAdmins(db: PgQueryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT COUNT(*)::int AS n FROM accounts a JOIN org_users u ON u.id = a.user_id WHERE a.role = 'admin' AND u.active = 1`,
  )
  return rows[0].n
}

/** Creates the org user when missing (the server's directory), then its account. */
export async function upsertAccount(
  db: PgQueryable,
  input: { userId: string; name: string; role: Role; passwordHash?: string | null; now: number },
): Promise<void> {
  await atomically(db, async (q) => {
    await q.query(
      `INSERT INTO org_users (id, name, extension, active) VALUES ($1, $2, NULL, 1) ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
      [input.userId, input.name],
    )
    await q.query(
      `INSERT INTO accounts (user_id, role, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (user_id) DO UPDATE SET role = excluded.role,
         password_hash = COALESCE(excluded.password_hash, accounts.password_hash), updated_at = excluded.updated_at`,
      [input.userId, input.role, input.passwordHash ?? null, input.now],
    )
  })
}

export async function setRole(db: PgQueryable, userId: string, role: Role, now: number): Promise<void> {
  await db.query('UPDATE accounts SET role = $1, updated_at = $2 WHERE user_id = $3', [role, now, userId])
}

/** Users with an invitation they can still use. */
export async function usersWithLiveInvites(db: PgQueryable, now: number): Promise<Set<string>> {
  const { rows } = await db.query<{ user_id: string }>('SELECT DISTINCT user_id FROM invites WHERE used_at IS NULL AND expires_at > $1', [
    now,
  ])
  return new Set(rows.map((row) => row.user_id))
}

export async function setPasswordHash(db: PgQueryable, userId: string, passwordHash: string, now: number): Promise<void> {
  await db.query('UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE user_id = $3', [passwordHash, now, userId])
}

export async function setUserActive(db: PgQueryable, userId: string, active: boolean): Promise<boolean> {
  return ((await db.query('UPDATE org_users SET active = $1 WHERE id = $2', [active ? 1 : 0, userId])).rowCount ?? 0) > 0
}

export async function insertCredential(
  db: PgQueryable,
  row: { id: string; secretHash: string; userId: string; kind: CredentialKind; name: string | null; now: number },
): Promise<void> {
  await db.query(
    `INSERT INTO credentials (id, secret_hash, user_id, kind, name, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
    [row.id, row.secretHash, row.userId, row.kind, row.name, row.now],
  )
}

export async function credentialBySecret(db: PgQueryable, secretHash: string): Promise<CredentialRow | undefined> {
  return (await db.query<CredentialRow>(`${CREDENTIAL} WHERE secret_hash = $1`, [secretHash])).rows[0]
}

export async function touchCredential(db: PgQueryable, id: string, now: number): Promise<void> {
  await db.query('UPDATE credentials SET last_used_at = $1 WHERE id = $2', [now, id])
}

export async function listCredentials(db: PgQueryable, userId: string | undefined, kind: CredentialKind): Promise<CredentialRow[]> {
  const { rows } = await db.query<CredentialRow>(
    `${CREDENTIAL} WHERE kind = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR user_id = $2) ORDER BY created_at`,
    [kind, userId ?? null],
  )
  return rows
}

export async function getCredential(db: PgQueryable, id: string): Promise<CredentialRow | undefined> {
  return (await db.query<CredentialRow>(`${CREDENTIAL} WHERE id = $1`, [id])).rows[0]
}

export async function revokeCredential(db: PgQueryable, id: string, now: number): Promise<boolean> {
  return ((await db.query('UPDATE credentials SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now, id])).rowCount ?? 0) > 0
}

/** Revokes a user's credentials (all kinds, or one); returns the ids revoked. */
export async function revokeCredentialsOf(db: PgQueryable, userId: string, now: number, kind?: CredentialKind): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE credentials SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND ($3::text IS NULL OR kind = $3) RETURNING id`,
    [now, userId, kind ?? null],
  )
  return rows.map((row) => row.id)
}

export async function insertInvite(
  db: PgQueryable,
  row: { secretHash: string; userId: string; createdBy: string | null; now: number; expiresAt: number },
): Promise<void> {
  await db.query(`INSERT INTO invites (secret_hash, user_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
    row.secretHash,
    row.userId,
    row.createdBy,
    row.now,
    row.expiresAt,
  ])
}

/** Marks a live invitation used and returns its user; undefined when unknown, used or expired. */
export async function consumeInvite(db: PgQueryable, secretHash: string, now: number): Promise<string | undefined> {
  const { rows } = await db.query<{ user_id: string }>(
    'UPDATE invites SET used_at = $1 WHERE secret_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id',
    [now, secretHash],
  )
  return rows[0]?.user_id
}

/** The conversations that hold this media, as a message's picture or as that picture's thumbnail. */
export async function conversationsHoldingMedia(db: PgQueryable, mediaId: string): Promise<string[]> {
  const { rows } = await db.query<{ conversation_id: string }>(
    `SELECT DISTINCT conversation_id FROM messages
     WHERE media_id = $1 OR media_id IN (SELECT id FROM media WHERE thumbnail_id = $1)`,
    [mediaId],
  )
  return rows.map((row) => row.conversation_id)
}
