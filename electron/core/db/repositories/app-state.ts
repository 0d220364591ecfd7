import type { Db } from '../open'
import { statements } from '../statements'

export function getState(db: Db, key: string): string | undefined {
  return (statements(db).prepare('SELECT value FROM app_state WHERE key = ?').get(key) as { value: string } | undefined)?.value
}

export function setState(db: Db, key: string, value: string): void {
  statements(db)
    .prepare('INSERT INTO app_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    .run(key, value)
}
