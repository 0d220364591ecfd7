import type { Migration } from '../migration'
import { migration0010 } from './0010-initial'
import { migration0020 } from './0020-enum-guards'
import { migration0030 } from './0030-accounts'
import { migration0050 } from './0050-account-health'
import { migration0060 } from './0060-search-prefix'
import { migration0070 } from './0070-change-log'
import { migration0080 } from './0080-contact-language'

/** Every migration, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  migration0010,
  migration0020,
  migration0030,
  migration0050,
  migration0060,
  migration0070,
  migration0080,
]
