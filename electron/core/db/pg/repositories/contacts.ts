import type { Contact } from '../../../../shared/domain'
import { toContact, type ContactRow, type NewContact } from '../../repositories/contacts'
import type { PgQueryable } from '../pool'

// PostgreSQL twin of ../../repositories/contacts.ts. Search: three or more characters match a
// substring of name, company or number, accent- and case-insensitively (greenline_fold, served by
// the pg_trgm index of migration 0010), as SQLite's trigram FTS does; shorter ones a name prefix.
// Names sort case-insensitively, then by code point.

const COLUMNS = 'id, name, phone, company, email, wa_id, user_id, language, not_on_whatsapp, created_at, updated_at'
const BY_NAME = 'lower(name) COLLATE "C", name COLLATE "C"'
const FOLDED = `greenline_fold(coalesce(name, '') || ' ' || coalesce(company, '') || ' ' || coalesce(phone, ''))`

const one = async (db: PgQueryable, sql: string, values: unknown[]) => {
  const row = (await db.query<ContactRow>(sql, values)).rows[0]
  return row && toContact(row)
}

export async function insertContact(db: PgQueryable, contact: NewContact): Promise<Contact> {
  const row = (
    await db.query<ContactRow>(
      `INSERT INTO contacts (id, name, phone, company, email, wa_id, user_id, language, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING ${COLUMNS}`,
      [
        contact.id,
        contact.name,
        contact.phone ?? null,
        contact.company ?? null,
        contact.email ?? null,
        contact.waId ?? null,
        contact.userId ?? null,
        contact.language ?? null,
        contact.now,
      ],
    )
  ).rows[0]
  return toContact(row)
}

export async function updateContact(
  db: PgQueryable,
  id: string,
  fields: { name: string; phone?: string; company?: string; email?: string; language?: string; now: number },
): Promise<Contact | undefined> {
  // A changed number is a different WhatsApp user: its learned identity is dropped.
  return one(
    db,
    `UPDATE contacts SET name = $2, phone = $3, company = $4, email = $5, language = $6,
       wa_id = CASE WHEN phone IS NOT DISTINCT FROM $3 THEN wa_id ELSE NULL END,
       user_id = CASE WHEN phone IS NOT DISTINCT FROM $3 THEN user_id ELSE NULL END,
       not_on_whatsapp = CASE WHEN phone IS NOT DISTINCT FROM $3 THEN not_on_whatsapp ELSE 0 END,
       updated_at = $7
     WHERE id = $1 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
    [id, fields.name, fields.phone ?? null, fields.company ?? null, fields.email ?? null, fields.language ?? null, fields.now],
  )
}

/** WhatsApp identity learned from the platform (webhooks, send responses). */
export async function updateContactIdentity(
  db: PgQueryable,
  id: string,
  identity: { waId?: string; userId?: string; phone?: string; notOnWhatsApp?: boolean; now: number },
): Promise<void> {
  await db.query(
    `UPDATE contacts SET wa_id = COALESCE($2, wa_id), user_id = COALESCE($3, user_id),
       phone = COALESCE($4, phone), not_on_whatsapp = COALESCE($5, not_on_whatsapp), updated_at = $6
     WHERE id = $1`,
    [
      id,
      identity.waId ?? null,
      identity.userId ?? null,
      identity.phone ?? null,
      identity.notOnWhatsApp === undefined ? null : identity.notOnWhatsApp ? 1 : 0,
      identity.now,
    ],
  )
}

/** Soft delete: history that refers to the contact is kept for the record. */
export async function deleteContact(db: PgQueryable, id: string, now: number): Promise<boolean> {
  return (
    ((await db.query('UPDATE contacts SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL', [id, now])).rowCount ??
      0) > 0
  )
}

export async function getContact(db: PgQueryable, id: string): Promise<Contact | undefined> {
  return one(db, `SELECT ${COLUMNS} FROM contacts WHERE id = $1 AND deleted_at IS NULL`, [id])
}

/** Includes deleted contacts: for showing history that refers to them. */
export async function getContactName(db: PgQueryable, id: string): Promise<string | undefined> {
  return (await db.query<{ name: string }>('SELECT name FROM contacts WHERE id = $1', [id])).rows[0]?.name
}

export async function findContactByPhone(db: PgQueryable, phone: string): Promise<Contact | undefined> {
  return one(db, `SELECT ${COLUMNS} FROM contacts WHERE phone = $1 AND deleted_at IS NULL`, [phone])
}

/** Matches a WhatsApp user to a saved contact: by business-scoped user id, then wa_id, then phone. */
export async function findContactByWhatsApp(db: PgQueryable, who: { waId?: string; userId?: string }): Promise<Contact | undefined> {
  return one(
    db,
    `SELECT ${COLUMNS} FROM contacts WHERE deleted_at IS NULL AND (
       ($2::text IS NOT NULL AND user_id = $2) OR
       ($1::text IS NOT NULL AND wa_id = $1) OR
       ($1::text IS NOT NULL AND phone = '+' || $1))
     ORDER BY (user_id IS NOT DISTINCT FROM $2) DESC, (wa_id IS NOT DISTINCT FROM $1) DESC LIMIT 1`,
    [who.waId ?? null, who.userId ?? null],
  )
}

const likeText = (text: string) => text.replace(/[\\%_]/g, '\\$&')

/** Name, company and number search (see the top of this file). */
export async function searchContacts(db: PgQueryable, query: string | undefined, limit = 500): Promise<Contact[]> {
  const q = (query ?? '').trim()
  const rows = async (sql: string, values: unknown[]) => (await db.query<ContactRow>(sql, values)).rows.map(toContact)
  if (q === '') return rows(`SELECT ${COLUMNS} FROM contacts WHERE deleted_at IS NULL ORDER BY ${BY_NAME} LIMIT $1`, [limit])
  if (q.length < 3) {
    return rows(`SELECT ${COLUMNS} FROM contacts WHERE deleted_at IS NULL AND name ILIKE $1 ORDER BY ${BY_NAME} LIMIT $2`, [
      `${likeText(q)}%`,
      limit,
    ])
  }
  const digits = q.replace(/[^\d]/g, '')
  const terms = [q, ...(digits.length >= 3 && digits !== q ? [digits] : [])]
  return rows(
    `SELECT ${COLUMNS} FROM contacts WHERE deleted_at IS NULL
       AND (${terms.map((_, i) => `${FOLDED} LIKE '%' || greenline_fold($${i + 2}) || '%'`).join(' OR ')})
     ORDER BY ${BY_NAME} LIMIT $1`,
    [limit, ...terms.map(likeText)],
  )
}
