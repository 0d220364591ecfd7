import type { Migration } from '../migration'

/**
 * A contact's language (WhatsApp's codes: `pt_BR`, `es`, `en_US`), so the opt-in request goes in
 * a translation the person reads. Empty for contacts saved before: they get the organization's
 * default language.
 */
export const migration0080: Migration = {
  version: 80,
  name: 'contact-language',
  up: (db) => {
    db.exec(`
      ALTER TABLE contacts ADD COLUMN language TEXT
        CHECK (language IS NULL OR (length(language) BETWEEN 2 AND 6 AND language GLOB '[a-z][a-z]*'));
    `)
  },
}
