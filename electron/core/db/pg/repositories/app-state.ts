import type { PgQueryable } from '../pool'

// PostgreSQL twin of ../../repositories/app-state.ts.

export async function getState(db: PgQueryable, key: string): Promise<string | undefined> {
  const { rows } = await db.query<{ value: string }>('SELECT value FROM app_state WHERE key = $1', [key])
  return rows[0]?.value
}

export async function setState(db: PgQueryable, key: string, value: string): Promise<void> {
  await db.query('INSERT INTO app_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value])
}
