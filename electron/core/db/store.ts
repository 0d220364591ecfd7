import Database from 'better-sqlite3'
import type { Db } from './open'
import type { PgQueryable } from './pg/pool'
import { statements } from './statements'
import * as accountHealth from './repositories/account-health'
import * as accounts from './repositories/accounts'
import * as appState from './repositories/app-state'
import * as changeLog from './repositories/change-log'
import * as contacts from './repositories/contacts'
import * as conversations from './repositories/conversations'
import * as ledger from './repositories/ledger'
import * as media from './repositories/media'
import * as messages from './repositories/messages'
import * as orgUsers from './repositories/org-users'
import * as outbox from './repositories/outbox'
import * as replyThreads from './repositories/reply-threads'
import * as retention from './repositories/retention'
import * as smsConsent from './repositories/sms-consent'
import * as soloImport from './repositories/solo-import'
import * as webhookEvents from './repositories/webhook-events'
import * as whatsappUsers from './repositories/whatsapp-users'

/**
 * The engine's one storage seam: every repository function, async, without its connection
 * argument, on whichever engine the data lives in. SQLite (better-sqlite3, the default) and
 * PostgreSQL (`pg/store.ts`) implement it with the same signatures and pass the same test suite
 * (tests/core/store/). The SQLite repositories in `repositories/` define the shape: a PostgreSQL
 * repository function is the SQLite one with `PgQueryable` for `Db` and a Promise for its result.
 */
export const SQLITE_REPOSITORIES = {
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
}

type SqliteModules = typeof SQLITE_REPOSITORIES
export type RepositoryName = keyof SqliteModules

/** The names of a module's exports that are repository functions (their first parameter is the connection). */
type RepositoryFunctionName<M> = {
  [K in keyof M]: M[K] extends (db: Db, ...args: never[]) => unknown ? (Db extends Parameters<M[K]>[0] ? K : never) : never
}[keyof M]

type Rest<F> = F extends (db: Db, ...args: infer A) => unknown ? A : never
type Result<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never

/** One repository module as the store offers it: `store.messages.insertMessage(…)`. */
export type AsyncRepository<M> = { [K in RepositoryFunctionName<M>]: (...args: Rest<M[K]>) => Promise<Result<M[K]>> }

/** Every repository, async. */
export type Repositories = { [N in RepositoryName]: AsyncRepository<SqliteModules[N]> }

/**
 * What a PostgreSQL repository module implements: each function as its SQLite twin, on a
 * PostgreSQL connection (`Conn` is `PgQueryable`; a type parameter so this file loads no driver).
 */
export type PgRepository<M, Conn> = { [K in RepositoryFunctionName<M>]: (db: Conn, ...args: Rest<M[K]>) => Promise<Result<M[K]>> }
export type PgRepositoryModules<Conn> = { [N in RepositoryName]: PgRepository<SqliteModules[N], Conn> }

export interface Store extends Repositories {
  readonly dialect: 'sqlite' | 'postgres'
  /**
   * Runs `work` in one transaction: everything it does through `tx` commits together, or nothing
   * does when it throws (the error is rethrown). Inside a transaction, `tx.transaction` nests
   * (a savepoint). Keep the work to the database: on SQLite the whole engine's other database
   * work waits until it ends, on PostgreSQL it holds a connection and its row locks. On
   * PostgreSQL a transaction given up for a conflict (`isTransactionConflict`) runs `work` again,
   * so keep what `work` does outside the database repeatable (collect it, act after the commit).
   */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T>
  /** Resolves when the database answers a trivial query (readiness); rejects with why it does not. */
  ping(): Promise<void>
  /**
   * Runs `work` on a connection of its own in a read-only transaction: one consistent view of the
   * data however long it reads (an archive export), while the engine keeps writing.
   */
  snapshot<T>(work: (reader: SnapshotReader) => Promise<T>): Promise<T>
}

/** A read-only snapshot connection, in its dialect (the archive export has SQL for each). */
export type SnapshotReader = { dialect: 'sqlite'; db: Db } | { dialect: 'postgres'; db: PgQueryable }

type Call<F> = (fn: F, args: unknown[]) => Promise<unknown>

/**
 * A class whose instances are `Repositories` over a `call`: `instance.media.getMedia(id)` is
 * `call(getMedia, [id])`. A module's functions are bound on its first use by that instance, so a
 * transaction (one instance each) costs a few closures, not one per repository function (binding
 * all ~140 per transaction cost more than the transaction itself). Modules also export pure
 * helpers (row mappers, constants): those are bound too but hidden by the type.
 */
export function repositoriesOver<F>(modules: Record<string, Record<string, unknown>>): new (call: Call<F>) => Repositories {
  class Bound {
    constructor(readonly call: Call<F>) {}
  }
  for (const [name, module] of Object.entries(modules)) {
    const functions = Object.entries(module).filter((entry): entry is [string, F] => typeof entry[1] === 'function')
    Object.defineProperty(Bound.prototype, name, {
      get(this: Bound) {
        const bound: Record<string, unknown> = {}
        for (const [key, fn] of functions) bound[key] = (...args: unknown[]) => this.call(fn, args)
        Object.defineProperty(this, name, { value: bound })
        return bound
      },
    })
  }
  return Bound as unknown as new (call: Call<F>) => Repositories
}

type SqliteFunction = (db: Db, ...args: unknown[]) => unknown
const SqliteRepositories = repositoriesOver<SqliteFunction>(SQLITE_REPOSITORIES)

/** A store: its repositories, its dialect and how it opens a transaction. */
export function storeOf(
  repositories: Repositories,
  dialect: Store['dialect'],
  transaction: Store['transaction'],
  ping: Store['ping'],
  snapshot: Store['snapshot'],
): Store {
  return Object.assign(repositories, { dialect, transaction, ping, snapshot })
}

/** A FIFO lock: one holder at a time, the others wait in order. */
class Mutex {
  private tail: Promise<void> = Promise.resolve()
  private holders = 0

  get locked(): boolean {
    return this.holders > 0
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.tail
    let release!: () => void
    this.tail = new Promise<void>((resolve) => (release = resolve))
    this.holders++
    try {
      await previous
      return await work()
    } finally {
      this.holders--
      release()
    }
  }
}

/**
 * PostgreSQL gave up a transaction because of another one: a deadlock (40P01) or a serialization
 * failure (40001). Nothing of it was kept and running it again is the remedy (the PostgreSQL store
 * does, for a whole transaction); code that catches errors inside a transaction must rethrow these.
 */
export function isTransactionConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '40P01' || code === '40001'
}

export class TransactionFinished extends Error {
  constructor() {
    super('This transaction has already ended: use the store it was opened on, not its `tx`, after `transaction` returns')
    this.name = 'TransactionFinished'
  }
}

/**
 * The SQLite store: the repositories on one better-sqlite3 connection. Outside a transaction a
 * call runs at once (synchronously, returned as a settled promise), so the desktop app's speed is
 * the repositories' own. A transaction holds the connection across its awaits: BEGIN IMMEDIATE,
 * then calls through `tx` run at once while every call outside it (another request's) waits in
 * order until COMMIT or ROLLBACK, so nothing of theirs is written inside it.
 */
export function createSqliteStore(db: Db): Store {
  const lock = new Mutex()

  const sql = (text: string) => statements(db).prepare(text).run()
  const ping = () =>
    new Promise<void>((resolve) => {
      if (!db.open) throw new Error('the database is closed')
      statements(db).prepare('SELECT 1').get()
      resolve()
    })

  // A second, read-only connection in one read transaction (an open iterator would otherwise keep
  // the engine's connection busy); an in-memory database (unit tests) is read directly.
  async function snapshot<T>(work: (reader: SnapshotReader) => Promise<T>): Promise<T> {
    if (db.memory) return work({ dialect: 'sqlite', db })
    const reader = new Database(db.name, { readonly: true, fileMustExist: true })
    try {
      reader.pragma('busy_timeout = 5000')
      reader.exec('BEGIN')
      try {
        return await work({ dialect: 'sqlite', db: reader })
      } finally {
        reader.exec('COMMIT')
      }
    } finally {
      reader.close()
    }
  }

  // A repository's throw becomes a rejection, as on PostgreSQL.
  const direct = (fn: SqliteFunction, args: unknown[]): Promise<unknown> => new Promise((resolve) => resolve(fn(db, ...args)))

  async function runTransaction<T>(work: (tx: Store) => Promise<T>, depth: number): Promise<T> {
    let open = true
    const tx = storeOf(
      new SqliteRepositories((fn, args) => (open ? direct(fn, args) : Promise.reject(new TransactionFinished()))),
      'sqlite',
      (inner) => (open ? runTransaction(inner, depth + 1) : Promise.reject(new TransactionFinished())),
      ping,
      snapshot,
    )
    const savepoint = depth > 0 ? `greenline_${depth}` : undefined
    sql(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN IMMEDIATE')
    try {
      const result = await work(tx)
      sql(savepoint ? `RELEASE ${savepoint}` : 'COMMIT')
      return result
    } catch (error) {
      if (savepoint) {
        sql(`ROLLBACK TO ${savepoint}`)
        sql(`RELEASE ${savepoint}`)
      } else if (db.inTransaction) sql('ROLLBACK')
      throw error
    } finally {
      open = false
    }
  }

  return storeOf(
    new SqliteRepositories((fn, args) => (lock.locked ? lock.run(() => direct(fn, args)) : direct(fn, args))),
    'sqlite',
    (work) => lock.run(() => runTransaction(work, 0)),
    ping,
    snapshot,
  )
}
