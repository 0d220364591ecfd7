import type { Migration } from '../migration'

/**
 * A durable, numbered sequence of what changed, for team clients that were away: "events since N".
 * Triggers write it, so every path that changes a message, a conversation, a participant, a
 * contact or a consent is covered without each service remembering to. A row names the entity
 * only; the catch-up builds the view for the asking user (and checks they may see it) when asked.
 */
export const migration0070: Migration = {
  version: 70,
  name: 'change-log',
  up: (db) => {
    db.exec(`
      CREATE TABLE change_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('message','conversation','contact')),
        entity_id TEXT NOT NULL
      );

      CREATE TRIGGER change_log_message_insert AFTER INSERT ON messages BEGIN
        INSERT INTO change_log(kind, entity_id) VALUES ('message', new.id);
      END;
      CREATE TRIGGER change_log_message_update AFTER UPDATE ON messages BEGIN
        INSERT INTO change_log(kind, entity_id) VALUES ('message', new.id);
      END;
      CREATE TRIGGER change_log_conversation_insert AFTER INSERT ON conversations BEGIN
        INSERT INTO change_log(kind, entity_id) VALUES ('conversation', new.id);
      END;
      CREATE TRIGGER change_log_conversation_update AFTER UPDATE ON conversations BEGIN
        INSERT INTO change_log(kind, entity_id) VALUES ('conversation', new.id);
      END;
      CREATE TRIGGER change_log_participant_insert AFTER INSERT ON participants BEGIN
        INSERT INTO change_log(kind, entity_id) VALUES ('conversation', new.conversation_id);
      END;
      CREATE TRIGGER change_log_participant_update AFTER UPDATE ON participants BEGIN
        INSERT INTO change_log(kind, entity_id) VALUES ('conversation', new.conversation_id);
      END;
      CREATE TRIGGER change_log_contact_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO change_log(kind, entity_id) VALUES ('contact', new.id);
      END;
      CREATE TRIGGER change_log_contact_update AFTER UPDATE ON contacts BEGIN
        INSERT INTO change_log(kind, entity_id) VALUES ('contact', new.id);
      END;
      -- Consent and the 24-hour window live here and show in each of the contact's conversations.
      CREATE TRIGGER change_log_whatsapp_user_insert AFTER INSERT ON whatsapp_users BEGIN
        INSERT INTO change_log(kind, entity_id) VALUES ('contact', new.contact_id);
      END;
      CREATE TRIGGER change_log_whatsapp_user_update AFTER UPDATE ON whatsapp_users BEGIN
        INSERT INTO change_log(kind, entity_id) VALUES ('contact', new.contact_id);
      END;
    `)
  },
}
