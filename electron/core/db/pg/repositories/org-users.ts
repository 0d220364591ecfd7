import type { OrgUser } from '../../../../shared/domain'
import { toOrgUser, type OrgUserRow } from '../../repositories/org-users'
import type { PgQueryable } from '../pool'
import { atomically } from './atomic'

// PostgreSQL twin of ../../repositories/org-users.ts (names in code-point order, as SQLite's BINARY).

const column = (users: readonly OrgUser[], pick: (user: OrgUser) => string | null) => users.map(pick)

/** Makes the table match the organization's directory; users no longer listed become inactive. */
export async function syncOrgUsers(db: PgQueryable, users: readonly OrgUser[]): Promise<void> {
  await atomically(db, async (q) => {
    await q.query('UPDATE org_users SET active = 0')
    await q.query(
      `INSERT INTO org_users (id, name, extension, active) SELECT id, name, extension, 1 FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, name, extension)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, extension = excluded.extension, active = 1`,
      [column(users, (u) => u.id), column(users, (u) => u.name), column(users, (u) => u.extension ?? null)],
    )
  })
}

/**
 * The team server keeps its directory in the database (admins invite and deactivate people): the
 * org file only adds the users it lists that are not there yet, and changes nobody.
 */
export async function seedOrgUsers(db: PgQueryable, users: readonly OrgUser[]): Promise<void> {
  await db.query(
    `INSERT INTO org_users (id, name, extension, active) SELECT id, name, extension, 1 FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, name, extension)
     ON CONFLICT (id) DO NOTHING`,
    [column(users, (u) => u.id), column(users, (u) => u.name), column(users, (u) => u.extension ?? null)],
  )
}

export async function listOrgUsers(db: PgQueryable): Promise<OrgUser[]> {
  const { rows } = await db.query<OrgUserRow>('SELECT id, name, extension FROM org_users WHERE active = 1 ORDER BY name COLLATE "C"')
  return rows.map(toOrgUser)
}

export async function getOrgUser(db: PgQueryable, id: string): Promise<OrgUser | undefined> {
  const row = (await db.query<OrgUserRow>('SELECT id, name, extension FROM org_users WHERE id = $1 AND active = 1', [id])).rows[0]
  return row && toOrgUser(row)
}

/** A user's name whether or not they are still active (history names people who have left). */
export async function orgUserName(db: PgQueryable, id: string): Promise<string | undefined> {
  return (await db.query<{ name: string }>('SELECT name FROM org_users WHERE id = $1', [id])).rows[0]?.name
}
