import type { PgMigration } from '../migration'
import { pgMigration0010 } from './0010-initial'
import { pgMigration0020 } from './0020-instances'

/** Every PostgreSQL migration, in order. Append only. */
export const PG_MIGRATIONS: readonly PgMigration[] = [pgMigration0010, pgMigration0020]
