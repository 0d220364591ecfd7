import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { configureLogging, createLogger } from '../core/platform/logger'
import { PasswordRejected, createCredentials } from './auth/credentials'
import { ConfigError, SERVER_FLAGS, resolveServerConfig } from './config'
import { DataDirLocked } from './data-dir-lock'
import { SecretKeyError } from './secrets/secret-key'
import { WhatsAppConfigError } from '../core/whatsapp/config'
import { OrgPolicyError } from '../core/org/org-policy'
import { SmsConfigError } from '../core/channels/sms-config'
import { createAdmin, startServer } from './server'
import { importCommand } from './import-command'
import { migrateCommand } from './migrate-command'
import { PgUnreachable, describeDatabaseUrl } from '../core/db/pg/pool'
import { openServerDatabase } from './database'
import { DatabaseTooNewError } from '../core/db/migrate'

/**
 * `npm run server` (built: `node out/main/server.js`): the Greenline server for an office.
 * `npm run server -- admin create <userId> --name "…" --password-stdin` sets up an administrator.
 * `npm run server -- migrate` brings the schema up to date (PostgreSQL with GREENLINE_DATABASE_URL, else SQLite).
 * `npm run server -- import --from <greenline.db> --as <userId>` brings a solo desktop's history in.
 * Flags and environment variables: README, "Run it for your office".
 */
async function main(argv: string[]): Promise<void> {
  configureLogging({ format: 'json' })
  if (argv[0] === 'admin') return adminCommand(argv.slice(1))
  if (argv[0] === 'migrate') return migrateCommand(argv.slice(1), process.env, (line) => process.stdout.write(`${line}\n`))
  if (argv[0] === 'import') return void (await importCommand(argv.slice(1), (line) => process.stdout.write(`${line}\n`)))
  const config = resolveServerConfig(argv, process.env)
  const server = await startServer(config, { rendererDir: resolveRenderer() })
  const log = createLogger('server')
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info('shutting down', { signal })
    void server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error: String(error) })
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

async function adminCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...SERVER_FLAGS, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  })
  const [action, userId] = positionals
  if (action !== 'create' || !userId) throw new ConfigError('Usage: npm run server -- admin create <userId> --name "…" --password-stdin')
  const password = values['password-stdin'] ? (await readStdin()).replace(/\r?\n$/, '') : process.env.GREENLINE_ADMIN_PASSWORD
  if (!password) throw new ConfigError('Give the password on standard input with --password-stdin (or in GREENLINE_ADMIN_PASSWORD)')
  const config = resolveServerConfig(values['data-dir'] ? ['--data-dir', values['data-dir']] : [], process.env)
  const database = await openServerDatabase(config)
  try {
    await database.read((store) =>
      createAdmin(store, createCredentials(store, Date.now), Date.now, {
        userId,
        password,
        ...(values.name ? { name: values.name } : {}),
      }),
    )
  } finally {
    await database.close()
  }
  const where = config.database ? `PostgreSQL ${describeDatabaseUrl(config.database.url)}` : config.dataDir
  process.stdout.write(`${userId} is an administrator of the Greenline server in ${where}.\n`)
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function resolveRenderer(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  // Built: out/main/server.js → out/renderer. From source: electron/server → out/renderer.
  return here.endsWith(join('out', 'main')) ? join(here, '..', 'renderer') : join(here, '..', '..', 'out', 'renderer')
}

const argv0 = process.argv[2]
main(process.argv.slice(2)).catch((error: unknown) => {
  const known =
    error instanceof ConfigError ||
    error instanceof DataDirLocked ||
    error instanceof PasswordRejected ||
    error instanceof SecretKeyError ||
    error instanceof WhatsAppConfigError ||
    error instanceof OrgPolicyError ||
    error instanceof SmsConfigError ||
    error instanceof PgUnreachable ||
    error instanceof DatabaseTooNewError
  const what = argv0 === 'migrate' ? 'Greenline could not migrate' : 'Greenline server could not start'
  process.stderr.write(`${what}: ${error instanceof Error ? error.message : String(error)}\n`)
  if (!known) process.stderr.write(`${error instanceof Error ? (error.stack ?? '') : ''}\n`)
  process.exit(1)
})
