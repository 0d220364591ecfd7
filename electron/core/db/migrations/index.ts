import type { Migration } from '../migration'
import { migration0010 } from './0010-initial'
import { migration0020 } from './0020-enum-guards'

/** Every migration, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [migration0010, migration0020]
