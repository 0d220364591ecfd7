import type { PgMigration } from '../migration'
import { pgMigration0010 } from './0010-initial'
import { pgMigration0020 } from './0020-instances'
import { pgMigration0030 } from './0030-webhook-once'
import { pgMigration0040 } from './0040-conversation-order'

/** Every PostgreSQL migration, in order. Append only. */
export const PG_MIGRATIONS: readonly PgMigration[] = [pgMigration0010, pgMigration0020, pgMigration0030, pgMigration0040]
