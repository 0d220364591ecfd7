import type { Migration } from '../migration'

/** The whole domain from ARCHITECTURE.md, so later work adds columns rather than redesigning. */
export const migration0010: Migration = {
  version: 10,
  name: 'initial',
  up: (db) => {
    db.exec(`
      CREATE TABLE org_users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        extension TEXT,
        active INTEGER NOT NULL DEFAULT 1
      );

      CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        phone TEXT,
        company TEXT,
        email TEXT,
        wa_id TEXT,
        user_id TEXT,
        not_on_whatsapp INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER
      );
      CREATE UNIQUE INDEX contacts_phone ON contacts(phone) WHERE phone IS NOT NULL AND deleted_at IS NULL;
      CREATE INDEX contacts_wa_id ON contacts(wa_id) WHERE wa_id IS NOT NULL;
      CREATE INDEX contacts_user_id ON contacts(user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX contacts_name ON contacts(name COLLATE NOCASE);
      -- Substring search over name, company and number (trigram needs >= 3 characters).
      CREATE VIRTUAL TABLE contacts_fts USING fts5(
        name, company, phone,
        content='contacts', content_rowid='rowid',
        tokenize='trigram remove_diacritics 1'
      );
      CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO contacts_fts(rowid, name, company, phone) VALUES (new.rowid, new.name, new.company, new.phone);
      END;
      CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
        INSERT INTO contacts_fts(contacts_fts, rowid, name, company, phone) VALUES ('delete', old.rowid, old.name, old.company, old.phone);
      END;
      CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, company, phone ON contacts BEGIN
        INSERT INTO contacts_fts(contacts_fts, rowid, name, company, phone) VALUES ('delete', old.rowid, old.name, old.company, old.phone);
        INSERT INTO contacts_fts(rowid, name, company, phone) VALUES (new.rowid, new.name, new.company, new.phone);
      END;

      -- One row per WhatsApp user (keyed by the saved contact): consent and the 24-hour window.
      CREATE TABLE whatsapp_users (
        contact_id TEXT PRIMARY KEY REFERENCES contacts(id),
        consent TEXT NOT NULL DEFAULT 'none'
          CHECK (consent IN ('none','requested','granted','declined','revoked','not_on_whatsapp')),
        consent_updated_at INTEGER,
        last_requested_at INTEGER,
        last_inbound_at INTEGER,
        marketing_opt_out INTEGER NOT NULL DEFAULT 0
      );

      -- Append-only consent history with evidence; hash-chained for tamper evidence.
      CREATE TABLE consents (
        seq INTEGER PRIMARY KEY,
        contact_id TEXT NOT NULL REFERENCES contacts(id),
        state TEXT NOT NULL,
        event TEXT NOT NULL,
        at INTEGER NOT NULL,
        by_user_id TEXT,
        evidence_message_id TEXT,
        detail TEXT,
        prev_hash TEXT,
        hash TEXT
      );
      CREATE INDEX consents_contact ON consents(contact_id, seq);

      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        contact_id TEXT NOT NULL REFERENCES contacts(id),
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp','sms','voicemail')),
        created_at INTEGER NOT NULL,
        ended_at INTEGER,
        last_activity_at INTEGER NOT NULL,
        last_message_seq INTEGER,
        restarted_from TEXT REFERENCES conversations(id)
      );
      CREATE INDEX conversations_contact ON conversations(contact_id, channel, created_at);
      CREATE INDEX conversations_activity ON conversations(last_activity_at);

      CREATE TABLE participants (
        seq INTEGER PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        user_id TEXT NOT NULL REFERENCES org_users(id),
        joined_at INTEGER NOT NULL,
        left_at INTEGER,
        unread INTEGER NOT NULL DEFAULT 0,
        last_read_at INTEGER
      );
      CREATE UNIQUE INDEX participants_current ON participants(conversation_id, user_id) WHERE left_at IS NULL;
      CREATE INDEX participants_user ON participants(user_id, left_at);

      CREATE TABLE media (
        id TEXT PRIMARY KEY,
        mime_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        width INTEGER,
        height INTEGER,
        thumbnail_id TEXT,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        direction TEXT NOT NULL CHECK (direction IN ('in','out','system')),
        author_id TEXT,
        kind TEXT NOT NULL,
        body TEXT,
        media_id TEXT,
        media_state TEXT,
        provider_media_id TEXT,
        extra TEXT,
        status TEXT NOT NULL,
        hold_reason TEXT,
        error TEXT,
        error_code INTEGER,
        provider_id TEXT,
        reply_to_provider_id TEXT,
        client_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        sent_at INTEGER,
        delivered_at INTEGER,
        read_at INTEGER,
        failed_at INTEGER
      );
      CREATE INDEX messages_conversation ON messages(conversation_id, seq);
      CREATE UNIQUE INDEX messages_provider ON messages(provider_id) WHERE provider_id IS NOT NULL;
      CREATE UNIQUE INDEX messages_client ON messages(conversation_id, client_id) WHERE client_id IS NOT NULL;
      CREATE INDEX messages_media_pending ON messages(media_state) WHERE media_state IN ('downloading','failed');

      CREATE VIRTUAL TABLE messages_fts USING fts5(
        body,
        content='messages', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.body IS NOT NULL BEGIN
        INSERT INTO messages_fts(rowid, body) VALUES (new.seq, new.body);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.body IS NOT NULL BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, body) SELECT 'delete', old.seq, old.body WHERE old.body IS NOT NULL;
        INSERT INTO messages_fts(rowid, body) SELECT new.seq, new.body WHERE new.body IS NOT NULL;
      END;

      CREATE TABLE reactions (
        message_id TEXT NOT NULL REFERENCES messages(id),
        actor TEXT NOT NULL,
        emoji TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (message_id, actor)
      );

      -- The transactional outbox: one row per outbound message still to be sent.
      CREATE TABLE outbox (
        message_id TEXT PRIMARY KEY REFERENCES messages(id),
        lane TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('held','ready','leased')),
        due_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_until INTEGER,
        last_error TEXT
      );
      CREATE INDEX outbox_due ON outbox(state, due_at);
      CREATE INDEX outbox_lane ON outbox(lane, seq);

      CREATE TABLE webhook_events (
        seq INTEGER PRIMARY KEY,
        received_at INTEGER NOT NULL,
        source TEXT NOT NULL,
        body_sha256 TEXT NOT NULL,
        body TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending','processed','rejected','failed')),
        error TEXT
      );
      CREATE INDEX webhook_events_pending ON webhook_events(state) WHERE state = 'pending';
      CREATE INDEX webhook_events_hash ON webhook_events(body_sha256);

      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor_id TEXT,
        action TEXT NOT NULL,
        conversation_id TEXT,
        detail TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT,
        hash TEXT
      );
      CREATE INDEX audit_log_conversation ON audit_log(conversation_id, seq);

      CREATE TABLE app_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `)
  },
}
