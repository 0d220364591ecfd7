/**
 * Crash test (`npm run test:crash`), with production settings: the engine runs as a child process
 * (tests/crash/engine-child.ts) with the default reconcile grace (60 s), send timeout and rate
 * limits, sending CRASH_PER_USER messages to each of CRASH_USERS simulated users, and is SIGKILLed
 * at CRASH_KILLS random moments (while starting and recovering, writing, sending, or taking in
 * webhooks), restarting on the same data folder each time. The sandbox runs as its own process
 * (the real CLI, with its state folder) and keeps posting webhooks during the kills: nothing holds
 * them back, nothing pauses sending, and the clock is never moved. With CRASH_KILL_SANDBOX=1 the
 * sandbox is SIGKILLed too, at its own random moments, and restarted where it stopped.
 *
 * The client side is honest: the parent records which messages the engine acknowledged (the
 * child reports each `messages:send` that returned ok, before any kill), and after a restart only
 * the unacknowledged rest of the plan is written (the one in flight at the kill is retried with
 * its client id). The rule checked: every acknowledged message reaches the phone exactly once, in
 * per-user order. The last line printed is
 *   acknowledged=<n> delivered=<n> lost=<n> duplicated=<n> out_of_order=<n> kills=<n>
 * and the exit code is non-zero when anything was lost, duplicated or out of order.
 *
 * Defaults (200 users × 10 messages, 20 kills) take a few minutes, mostly the real 60 s grace for
 * sends cut off by a kill; `npm run test:crash:long` runs a bigger variant with sandbox kills.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEngine } from '../../electron/core/engine'
import { appendConsentEvent } from '../../electron/core/db/repositories/ledger'
import { saveConsent } from '../../electron/core/db/repositories/whatsapp-users'
import { demoOrgPolicy } from '../../electron/launcher/demo-org'
import { resolveWhatsAppConfig, withWhatsAppOverrides } from '../../electron/core/whatsapp/config'
import { freePort } from '../../electron/core/http/http-util'
import { startHost } from '../../electron/host/server'
import { OffsetClock } from '../../electron/shared/clock'
import type { Contact } from '../../electron/shared/domain'
import { seededRandom } from '../../electron/shared/random'
import { startSandboxChild } from './sandbox-child'

// `--long` (npm run test:crash:long): more users and kills, and the sandbox is killed too.
const LONG = process.argv.includes('--long')
const USERS = Number(process.env.CRASH_USERS ?? (LONG ? 300 : 200))
const PER_USER = Number(process.env.CRASH_PER_USER ?? 10)
const KILLS = Number(process.env.CRASH_KILLS ?? (LONG ? 40 : 20))
const KILL_SANDBOX = process.env.CRASH_KILL_SANDBOX === '1' || LONG
const SEED = Number(process.env.CRASH_SEED ?? 20251125)
const TOKEN = 'crash-access-token'
const SECRET = 'crash-app-secret'
const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const started = Date.now()

const log = (line: string) => console.log(`[crash ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`)
const onTimer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Each entry is bundled once (a fresh tsx transform per restart costs seconds on a busy machine). */
async function bundled(source: string, name: string): Promise<{ file: string; execArgv: string[] }> {
  try {
    const { build } = await import('esbuild')
    const outDir = join(root, 'node_modules', '.cache', 'greenline-crash')
    mkdirSync(outDir, { recursive: true })
    const file = join(outDir, `${name}.mjs`)
    await build({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: file,
      packages: 'external',
      logLevel: 'error',
    })
    return { file, execArgv: [] }
  } catch {
    return { file: source, execArgv: ['--import', 'tsx'] }
  }
}

async function main(): Promise<number> {
  const random = seededRandom(SEED)
  const users = Array.from({ length: USERS }, (_, i) => ({
    phone: `+1415600${String(i).padStart(4, '0')}`,
    name: `Crash User ${String(i).padStart(3, '0')}`,
  }))
  const dataDir = mkdtempSync(join(tmpdir(), 'greenline-crash-'))
  const port = await freePort()
  const webhookUrl = `http://127.0.0.1:${port}/webhooks/whatsapp`
  const [entry, sandboxEntry] = await Promise.all([
    bundled(join(here, 'engine-child.ts'), 'engine-child'),
    bundled(join(root, 'electron', 'sandbox', 'cli.ts'), 'sandbox-cli'),
  ])
  const sandbox = await startSandboxChild({
    entry: sandboxEntry,
    cwd: root,
    stateDir: join(dataDir, 'sandbox'),
    token: TOKEN,
    secret: SECRET,
    webhookUrl,
  })
  const whatsapp = withWhatsAppOverrides(resolveWhatsAppConfig({ env: {} }), {
    baseUrl: sandbox.url,
    accessToken: TOKEN,
    appSecret: SECRET,
    verifyToken: 'crash-verify',
    phoneNumberId: sandbox.phoneNumberId,
    wabaId: sandbox.wabaId,
  })
  const webhooksIdle = async () => {
    while (sandbox.isUp() && (await sandbox.pendingWebhooks()) > 0) await onTimer(100)
  }

  // 1. Prepared state: contacts, priya's threads, every user wrote once (window open) and consented.
  {
    const engine = createEngine({ dataDir: join(dataDir, 'engine'), org: demoOrgPolicy(), clock: new OffsetClock(), whatsapp })
    const host = await startHost({ engine, token: 'crash-token', port, rendererDir: dataDir })
    await engine.start()
    const call = async (channel: string, payload: unknown) => {
      const result = await engine.dispatch({ userId: 'priya' }, channel, payload)
      if (!result.ok) throw new Error(`${channel}: ${result.error.message}`)
      return result.value
    }
    for (const user of users) {
      await sandbox.addUser(user.phone, user.name)
      const contact = (await call('contacts:create', { name: user.name, phone: user.phone })) as Contact
      await call('conversations:start', { contactId: contact.id, channel: 'whatsapp', requestConsent: false })
      await sandbox.userWrites(user.phone, 'Hello')
    }
    await webhooksIdle()
    await engine.settled()
    const now = Date.now()
    const contacts = engine.db
      .prepare('SELECT c.id FROM contacts c JOIN whatsapp_users w ON w.contact_id = c.id WHERE w.last_inbound_at IS NOT NULL')
      .all() as Array<{ id: string }>
    if (contacts.length !== USERS) throw new Error(`setup: ${contacts.length} of ${USERS} users wrote first`)
    engine.db.transaction(() => {
      for (const { id } of contacts) {
        saveConsent(engine.db, id, { state: 'granted', updatedAt: now, lastRequestedAt: now })
        appendConsentEvent(engine.db, {
          contactId: id,
          state: 'granted',
          event: 'reply',
          at: now,
          detail: { classification: 'affirm', seeded: 'crash-test' },
        })
      }
    })()
    await host.close()
    await engine.close()
    log(`prepared ${USERS} consented users`)
  }

  // 2. Run the engine in a child, killing it (and the sandbox, in that variant) at random moments.
  const total = USERS * PER_USER
  let acknowledged = 0
  let written = false
  let child: ChildProcess | undefined
  const spawnChild = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const proc = fork(entry.file, [], {
        cwd: root,
        execArgv: entry.execArgv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: {
          ...process.env,
          CRASH_DATA_DIR: join(dataDir, 'engine'),
          CRASH_PORT: String(port),
          CRASH_SANDBOX_URL: sandbox.url,
          CRASH_TOKEN: TOKEN,
          CRASH_SECRET: SECRET,
          CRASH_PHONE_NUMBER_ID: sandbox.phoneNumberId,
          CRASH_WABA_ID: sandbox.wabaId,
          CRASH_USERS: String(USERS),
          CRASH_PER_USER: String(PER_USER),
          // Only what the engine acknowledged is never written again; the rest of the plan is.
          CRASH_START: String(acknowledged),
        },
      })
      proc.on('message', (message: { type?: string; index?: number }) => {
        if (message?.type === 'ready') resolve(proc)
        if (message?.type === 'ack' && message.index === acknowledged) acknowledged++
        if (message?.type === 'written') written = true
      })
      proc.once('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`engine child exited early (code ${code}, signal ${signal})`))
      })
    })
  const kill = async (proc: ChildProcess) => {
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill('SIGKILL')
    await exited
  }

  let kills = 0
  let sandboxKills = 0
  while (kills < KILLS) {
    // Start counting from the spawn: some kills land while the engine is still starting up.
    const lifetime = Math.floor(random() * 1500)
    const spawned = spawnChild()
    const sandboxCrash =
      KILL_SANDBOX && random() < 0.5
        ? (async (at: number, downFor: number) => {
            await onTimer(at)
            await sandbox.kill()
            sandboxKills++
            await onTimer(downFor)
            await sandbox.restart()
          })(Math.floor(random() * 1500), Math.floor(random() * 1000))
        : Promise.resolve()
    child = await spawned
    await onTimer(lifetime)
    await kill(child)
    kills++
    await sandboxCrash
  }
  log(`${kills} kills (${sandboxKills} of the sandbox) done; acknowledged ${acknowledged} of ${total} before the last kill`)
  child = await spawnChild()
  const running = child
  const status = () =>
    new Promise<{ outbox: { held: number; ready: number; leased: number } }>((resolve) => {
      const listener = (message: { type?: string; outbox?: { held: number; ready: number; leased: number } }) => {
        if (message?.type !== 'status') return
        running.off('message', listener)
        resolve(message as { outbox: { held: number; ready: number; leased: number } })
      }
      running.on('message', listener)
      running.send({ type: 'status' })
    })
  for (;;) {
    await webhooksIdle()
    const { outbox } = await status()
    if (written && outbox.held + outbox.ready + outbox.leased === 0) break
    if (Date.now() - started > 900_000) {
      log(`gave up waiting: outbox ${JSON.stringify(outbox)}`)
      break
    }
    // Sends cut off by the last kill wait out the real grace period for their status webhooks.
    await onTimer(500)
  }
  await webhooksIdle()
  await kill(running)
  const stats = await sandbox.webhookStats()
  log(`sandbox webhooks: ${JSON.stringify(stats)}`)

  // 3. Compare what the engine acknowledged with what the phones received.
  const byPhone = new Map<string, number[]>()
  for (const delivery of await sandbox.deliveredTexts()) {
    const k = Number(delivery.text.slice(delivery.text.lastIndexOf('#') + 1))
    byPhone.set(delivery.phone, [...(byPhone.get(delivery.phone) ?? []), k])
  }
  await sandbox.kill()
  let delivered = 0
  let lost = 0
  let duplicated = 0
  let outOfOrder = 0
  users.forEach((user, u) => {
    const received = byPhone.get(user.phone) ?? []
    delivered += received.length
    const seen = new Map<number, number>()
    let last = -1
    for (const k of received) {
      seen.set(k, (seen.get(k) ?? 0) + 1)
      if (k < last) outOfOrder++
      last = Math.max(last, k)
    }
    for (let k = 0; k < PER_USER; k++) {
      const n = seen.get(k) ?? 0
      // Plan position of this message: round k, user u.
      if (n === 0 && k * USERS + u < acknowledged) lost++
      if (n > 1) duplicated += n - 1
    }
  })
  if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true })
  log(`planned ${total} messages; took ${((Date.now() - started) / 1000).toFixed(1)} s`)
  console.log(
    `acknowledged=${acknowledged} delivered=${delivered} lost=${lost} duplicated=${duplicated} out_of_order=${outOfOrder} kills=${kills}` +
      (KILL_SANDBOX ? ` sandbox_kills=${sandboxKills}` : ''),
  )
  return lost + duplicated + outOfOrder > 0 || acknowledged !== total || delivered !== total ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(2)
  },
)
