import type { Migration } from '../migration'

/**
 * Sign-in for the team server: who may sign in and how (`accounts`), the sessions and personal
 * access tokens that prove it (`credentials`, only a SHA-256 of each secret is stored, so a copy of
 * the database signs nobody in), and one-time invitations. The desktop app never writes these.
 * Also an index for the media route's access check.
 */
export const migration0030: Migration = {
  version: 30,
  name: 'accounts',
  up: (db) => {
    db.exec(`
      CREATE TABLE accounts (
        user_id TEXT PRIMARY KEY REFERENCES org_users(id),
        role TEXT NOT NULL CHECK (role IN ('admin','member')),
        password_hash TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL REFERENCES org_users(id),
        kind TEXT NOT NULL CHECK (kind IN ('session','token')),
        name TEXT,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX credentials_user ON credentials(user_id, kind, revoked_at);

      CREATE TABLE invites (
        secret_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES org_users(id),
        created_by TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );

      -- /media/:id asks which conversations hold a picture before serving it.
      CREATE INDEX messages_media ON messages(media_id) WHERE media_id IS NOT NULL;
    `)
  },
}
