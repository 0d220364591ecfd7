import type { Migration } from '../migration'
import { migration0010 } from './0010-initial'

/** Every migration, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [migration0010]
