import type { Contact } from '../../../shared/domain'
import type { Db } from '../open'
import { statements } from '../statements'

export interface ContactRow {
  id: string
  name: string
  phone: string | null
  company: string | null
  email: string | null
  wa_id: string | null
  user_id: string | null
  language: string | null
  not_on_whatsapp: number
  created_at: number
  updated_at: number
}

const COLUMNS = 'id, name, phone, company, email, wa_id, user_id, language, not_on_whatsapp, created_at, updated_at'

export function toContact(row: ContactRow): Contact {
  const contact: Contact = { id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at }
  if (row.phone) contact.phone = row.phone
  if (row.company) contact.company = row.company
  if (row.email) contact.email = row.email
  if (row.wa_id) contact.waId = row.wa_id
  if (row.user_id) contact.userId = row.user_id
  if (row.language) contact.language = row.language
  if (row.not_on_whatsapp) contact.notOnWhatsApp = true
  return contact
}

export interface NewContact {
  id: string
  name: string
  phone?: string
  company?: string
  email?: string
  waId?: string
  userId?: string
  language?: string
  now: number
}

export function insertContact(db: Db, contact: NewContact): Contact {
  statements(db)
    .prepare(
      `INSERT INTO contacts (id, name, phone, company, email, wa_id, user_id, language, created_at, updated_at)
     VALUES (@id, @name, @phone, @company, @email, @waId, @userId, @language, @now, @now)`,
    )
    .run({
      id: contact.id,
      name: contact.name,
      phone: contact.phone ?? null,
      company: contact.company ?? null,
      email: contact.email ?? null,
      waId: contact.waId ?? null,
      userId: contact.userId ?? null,
      language: contact.language ?? null,
      now: contact.now,
    })
  return getContact(db, contact.id)!
}

export function updateContact(
  db: Db,
  id: string,
  fields: { name: string; phone?: string; company?: string; email?: string; language?: string; now: number },
): Contact | undefined {
  const result = statements(db)
    .prepare(
      `UPDATE contacts SET name = @name, phone = @phone, company = @company, email = @email, language = @language,
         wa_id = CASE WHEN phone IS @phone THEN wa_id ELSE NULL END,
         user_id = CASE WHEN phone IS @phone THEN user_id ELSE NULL END,
         not_on_whatsapp = CASE WHEN phone IS @phone THEN not_on_whatsapp ELSE 0 END,
         updated_at = @now
       WHERE id = @id AND deleted_at IS NULL`,
    )
    .run({
      id,
      name: fields.name,
      phone: fields.phone ?? null,
      company: fields.company ?? null,
      email: fields.email ?? null,
      language: fields.language ?? null,
      now: fields.now,
    })
  return result.changes ? getContact(db, id) : undefined
}

/** WhatsApp identity learned from the platform (webhooks, send responses). */
export function updateContactIdentity(
  db: Db,
  id: string,
  identity: { waId?: string; userId?: string; phone?: string; notOnWhatsApp?: boolean; now: number },
): void {
  statements(db)
    .prepare(
      `UPDATE contacts SET wa_id = COALESCE(@waId, wa_id), user_id = COALESCE(@userId, user_id),
       phone = COALESCE(@phone, phone), not_on_whatsapp = COALESCE(@notOnWhatsApp, not_on_whatsapp), updated_at = @now
     WHERE id = @id`,
    )
    .run({
      id,
      waId: identity.waId ?? null,
      userId: identity.userId ?? null,
      phone: identity.phone ?? null,
      notOnWhatsApp: identity.notOnWhatsApp === undefined ? null : identity.notOnWhatsApp ? 1 : 0,
      now: identity.now,
    })
}

/** Soft delete: history that refers to the contact is kept for the record. */
export function deleteContact(db: Db, id: string, now: number): boolean {
  return (
    statements(db).prepare('UPDATE contacts SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL').run(now, now, id)
      .changes > 0
  )
}

export function getContact(db: Db, id: string): Contact | undefined {
  const row = statements(db).prepare(`SELECT ${COLUMNS} FROM contacts WHERE id = ? AND deleted_at IS NULL`).get(id) as
    ContactRow | undefined
  return row && toContact(row)
}

/** Includes deleted contacts: for showing history that refers to them. */
export function getContactName(db: Db, id: string): string | undefined {
  return (statements(db).prepare('SELECT name FROM contacts WHERE id = ?').get(id) as { name: string } | undefined)?.name
}

export function findContactByPhone(db: Db, phone: string): Contact | undefined {
  const row = statements(db).prepare(`SELECT ${COLUMNS} FROM contacts WHERE phone = ? AND deleted_at IS NULL`).get(phone) as
    ContactRow | undefined
  return row && toContact(row)
}

/**
 * Matches a WhatsApp user to a saved contact: by business-scoped user id, then wa_id, then phone.
 * Three index lookups joined (every inbound webhook asks): one WHERE with the three ORed scanned
 * the whole contacts table.
 */
export function findContactByWhatsApp(db: Db, who: { waId?: string; userId?: string }): Contact | undefined {
  const row = statements(db)
    .prepare(
      `SELECT * FROM (
         SELECT ${COLUMNS} FROM contacts WHERE user_id = @userId AND deleted_at IS NULL
         UNION ALL SELECT ${COLUMNS} FROM contacts WHERE wa_id = @waId AND deleted_at IS NULL
         UNION ALL SELECT ${COLUMNS} FROM contacts WHERE phone = '+' || @waId AND deleted_at IS NULL)
       ORDER BY (user_id IS @userId) DESC, (wa_id IS @waId) DESC LIMIT 1`,
    )
    .get({ waId: who.waId ?? null, userId: who.userId ?? null }) as ContactRow | undefined
  return row && toContact(row)
}

/**
 * Name, company and number search. Three or more characters use the trigram index (substring,
 * diacritics-insensitive); shorter queries match name prefixes.
 */
export function searchContacts(db: Db, query: string | undefined, limit = 500): Contact[] {
  const q = (query ?? '').trim()
  if (q === '') {
    return (
      statements(db)
        .prepare(`SELECT ${COLUMNS} FROM contacts WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE LIMIT ?`)
        .all(limit) as ContactRow[]
    ).map(toContact)
  }
  const digits = q.replace(/[^\d]/g, '')
  if (q.length < 3) {
    return (
      statements(db)
        .prepare(
          `SELECT ${COLUMNS} FROM contacts WHERE deleted_at IS NULL AND name LIKE ? ESCAPE '\\' COLLATE NOCASE
           ORDER BY name COLLATE NOCASE LIMIT ?`,
        )
        .all(`${q.replace(/[\\%_]/g, '\\$&')}%`, limit) as ContactRow[]
    ).map(toContact)
  }
  const terms = [q, ...(digits.length >= 3 && digits !== q ? [digits] : [])]
  const match = terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ')
  return (
    statements(db)
      .prepare(
        `SELECT ${COLUMNS.split(', ')
          .map((c) => `c.${c}`)
          .join(', ')} FROM contacts_fts f JOIN contacts c ON c.rowid = f.rowid
         WHERE contacts_fts MATCH ? AND c.deleted_at IS NULL ORDER BY c.name COLLATE NOCASE LIMIT ?`,
      )
      .all(match, limit) as ContactRow[]
  ).map(toContact)
}
