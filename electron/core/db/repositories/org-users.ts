import type { OrgUser } from '../../../shared/domain'
import type { Db } from '../open'
import { statements } from '../statements'

export interface OrgUserRow {
  id: string
  name: string
  extension: string | null
}

export const toOrgUser = (row: OrgUserRow): OrgUser => ({
  id: row.id,
  name: row.name,
  ...(row.extension ? { extension: row.extension } : {}),
})

/** Makes the table match the organization's directory; users no longer listed become inactive. */
export function syncOrgUsers(db: Db, users: readonly OrgUser[]): void {
  const upsert = statements(db).prepare(
    `INSERT INTO org_users (id, name, extension, active) VALUES (@id, @name, @extension, 1)
     ON CONFLICT(id) DO UPDATE SET name = excluded.name, extension = excluded.extension, active = 1`,
  )
  db.transaction(() => {
    statements(db).prepare('UPDATE org_users SET active = 0').run()
    for (const user of users) upsert.run({ id: user.id, name: user.name, extension: user.extension ?? null })
  })()
}

/**
 * The team server keeps its directory in the database (admins invite and deactivate people): the
 * org file only adds the users it lists that are not there yet, and changes nobody.
 */
export function seedOrgUsers(db: Db, users: readonly OrgUser[]): void {
  const insert = statements(db).prepare(
    `INSERT INTO org_users (id, name, extension, active) VALUES (@id, @name, @extension, 1) ON CONFLICT(id) DO NOTHING`,
  )
  db.transaction(() => {
    for (const user of users) insert.run({ id: user.id, name: user.name, extension: user.extension ?? null })
  })()
}

export function listOrgUsers(db: Db): OrgUser[] {
  return (statements(db).prepare('SELECT id, name, extension FROM org_users WHERE active = 1 ORDER BY name').all() as OrgUserRow[]).map(
    toOrgUser,
  )
}

export function getOrgUser(db: Db, id: string): OrgUser | undefined {
  const row = statements(db).prepare('SELECT id, name, extension FROM org_users WHERE id = ? AND active = 1').get(id) as
    OrgUserRow | undefined
  return row && toOrgUser(row)
}

/** A user's name whether or not they are still active (history names people who have left). */
export function orgUserName(db: Db, id: string): string | undefined {
  return statements(db).prepare('SELECT name FROM org_users WHERE id = ?').pluck().get(id) as string | undefined
}
