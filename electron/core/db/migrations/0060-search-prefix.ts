import type { Migration } from '../migration'

/**
 * Search: the last word of a query is always a prefix (the user may still be typing it), and
 * without a prefix index FTS5 merges the doclist of every term starting with it: common prefixes
 * over 1M messages took 36–277 ms. `prefix='1 2 3'` stores merged doclists for prefixes of one to
 * three characters (longer prefixes match few terms, so they are cheap anyway). The index is
 * rebuilt from `messages`; README "Search" gives its size. The triggers are unchanged.
 */
export const migration0060: Migration = {
  version: 60,
  name: 'search-prefix',
  up: (db) => {
    db.exec(`
      DROP TABLE messages_fts;
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        body,
        content='messages', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2',
        prefix='1 2 3'
      );
      INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
    `)
  },
}
