import type { PgMigration } from '../migration'

/**
 * What several instances on one database share beyond the engine's tables:
 * - change_log rows remember their writing transaction (`xid`) and get their public number
 *   (`pos`) only once no transaction that could still commit an earlier change is running, so a
 *   reader's cursor never passes a change committed later with a smaller `seq` (pg/change-log.ts).
 * - event_fanout_bodies holds events too large for a NOTIFY payload (pg/event-fanout.ts).
 * - rate_limit_buckets are the token buckets every instance takes from (pg/rate-limits.ts), and
 *   greenline_take_token takes from one atomically (row lock), in one round trip.
 */
export const pgMigration0020: PgMigration = {
  version: 20,
  name: 'instances',
  sql: `
    ALTER TABLE change_log
      ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
      ADD COLUMN pos BIGINT UNIQUE;
    -- Rows written before this migration are final: number them in seq order.
    CREATE SEQUENCE change_log_pos AS BIGINT;
    UPDATE change_log c SET pos = n.pos
      FROM (SELECT seq, nextval('change_log_pos') AS pos FROM (SELECT seq FROM change_log ORDER BY seq) s) n
      WHERE c.seq = n.seq;
    CREATE INDEX change_log_unnumbered ON change_log (xid, seq) WHERE pos IS NULL;

    CREATE TABLE event_fanout_bodies (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      body TEXT NOT NULL,
      created_at BIGINT NOT NULL
    );

    CREATE TABLE rate_limit_buckets (
      key TEXT PRIMARY KEY,
      tokens DOUBLE PRECISION NOT NULL,
      refilled_at BIGINT NOT NULL,
      blocked_until BIGINT NOT NULL DEFAULT 0
    );
    -- The in-memory TokenBucket of outbox/rate-limiter.ts as one locked row. Returns when a token
    -- is (or was) available: <= p_now means one was taken (when p_take) or could be.
    CREATE FUNCTION greenline_take_token(p_key TEXT, p_now BIGINT, p_burst DOUBLE PRECISION,
        p_refill_ms DOUBLE PRECISION, p_take BOOLEAN) RETURNS BIGINT LANGUAGE plpgsql AS $$
    DECLARE
      b rate_limit_buckets%ROWTYPE;
      t DOUBLE PRECISION;
      at BIGINT;
    BEGIN
      -- Born full; a concurrent first take waits on the insert, then finds the row.
      INSERT INTO rate_limit_buckets (key, tokens, refilled_at) VALUES (p_key, p_burst, p_now)
        ON CONFLICT (key) DO NOTHING;
      SELECT * INTO b FROM rate_limit_buckets WHERE key = p_key FOR UPDATE;
      t := b.tokens;
      -- A clock that goes back (another instance's) adds nothing.
      IF p_now > b.refilled_at THEN
        t := least(p_burst, t + (p_now - b.refilled_at) / p_refill_ms);
        b.refilled_at := p_now;
      END IF;
      IF t + 1e-9 >= 1 THEN
        at := greatest(p_now, b.blocked_until);
      ELSE
        at := greatest(greatest(p_now, b.refilled_at) + ceil((1 - t) * p_refill_ms)::BIGINT, b.blocked_until);
      END IF;
      IF p_take AND at <= p_now THEN t := greatest(0, t - 1); END IF;
      UPDATE rate_limit_buckets SET tokens = t, refilled_at = b.refilled_at WHERE key = p_key;
      RETURN at;
    END $$;
  `,
}
