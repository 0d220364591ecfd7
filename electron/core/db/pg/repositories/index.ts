import type { PgRepositoryModules } from '../../store'
import type { PgQueryable } from '../pool'
import * as accountHealth from './account-health'
import * as accounts from './accounts'
import * as appState from './app-state'
import * as changeLog from './change-log'
import * as contacts from './contacts'
import * as conversations from './conversations'
import * as ledger from './ledger'
import * as media from './media'
import * as messages from './messages'
import * as orgUsers from './org-users'
import * as outbox from './outbox'
import * as replyThreads from './reply-threads'
import * as retention from './retention'
import * as smsConsent from './sms-consent'
import * as soloImport from './solo-import'
import * as webhookEvents from './webhook-events'
import * as whatsappUsers from './whatsapp-users'

/** Partial while the PostgreSQL twins are being written: a module lists what it implements so far. */
type Partially<T> = { [N in keyof T]: Partial<T[N]> }

/** The PostgreSQL repositories, module by module, each the twin of the SQLite one of the same name. */
export const PG_REPOSITORIES = {
  accountHealth,
  accounts,
  appState,
  changeLog,
  contacts,
  conversations,
  ledger,
  media,
  messages,
  orgUsers,
  outbox,
  replyThreads,
  retention,
  smsConsent,
  soloImport,
  webhookEvents,
  whatsappUsers,
} satisfies Partially<PgRepositoryModules<PgQueryable>>
