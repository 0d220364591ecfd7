/**
 * Crash test (`npm run test:crash`): the sandbox runs here, the engine runs as a child process
 * (tests/crash/engine-child.ts) sending CRASH_PER_USER messages to each of CRASH_USERS simulated
 * users, and is killed with SIGKILL at CRASH_KILLS random moments, restarting on the same data
 * folder each time. At the end the sandbox's delivery log must hold every message exactly once, in
 * per-user order. The last line printed is
 *   delivered=<n> lost=<n> duplicated=<n> out_of_order=<n> kills=<n>
 * and the exit code is non-zero when anything was lost, duplicated or out of order.
 *
 * The guarantee assumes status webhooks arrive within the grace period, so the parent applies
 * back-pressure: when the sandbox's webhook backlog grows (a slow, busy machine), the child's
 * scheduler is paused until the backlog is worked off.
 *
 * While the engine is down the sandbox holds its webhooks (like Meta, which retries for days)
 * rather than burning its few delivery attempts, and its retry timers are fast-forwarded once the
 * engine is back: the status webhooks that reconcile an interrupted send arrive within the grace.
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
import { startSandbox } from '../../electron/sandbox/server'
import { OffsetClock } from '../../electron/shared/clock'
import type { Contact } from '../../electron/shared/domain'
import { seededRandom } from '../../electron/shared/random'

const USERS = Number(process.env.CRASH_USERS ?? 200)
const PER_USER = Number(process.env.CRASH_PER_USER ?? 10)
const KILLS = Number(process.env.CRASH_KILLS ?? 20)
const SEED = Number(process.env.CRASH_SEED ?? 20251125)
const TOKEN = 'crash-access-token'
const SECRET = 'crash-app-secret'
const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const started = Date.now()

const log = (line: string) => console.log(`[crash ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`)

/** The child is bundled once (a fresh tsx transform per restart costs seconds on a busy machine). */
async function childEntry(): Promise<{ file: string; execArgv: string[] }> {
  const source = join(here, 'engine-child.ts')
  try {
    const { build } = await import('esbuild')
    const outDir = join(root, 'node_modules', '.cache', 'greenline-crash')
    mkdirSync(outDir, { recursive: true })
    const file = join(outDir, 'engine-child.mjs')
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
  const clock = new OffsetClock()
  // Concurrent webhook deliveries, as Meta sends them (statuses then arrive out of order too).
  const sandbox = await startSandbox({
    clock,
    accessToken: TOKEN,
    appSecret: SECRET,
    users,
    random: seededRandom(SEED + 1),
    webhookConcurrency: 4,
  })
  const dataDir = mkdtempSync(join(tmpdir(), 'greenline-crash-'))
  const port = await freePort()
  const webhookUrl = `http://127.0.0.1:${port}/webhooks/whatsapp`
  const whatsapp = withWhatsAppOverrides(resolveWhatsAppConfig({ env: {} }), {
    baseUrl: sandbox.url,
    accessToken: TOKEN,
    appSecret: SECRET,
    verifyToken: 'crash-verify',
    phoneNumberId: sandbox.phoneNumberId,
    wabaId: sandbox.wabaId,
  })
  const entry = await childEntry()

  // 1. Prepared state: contacts, priya's threads, every user wrote once (window open) and consented.
  {
    const engine = createEngine({ dataDir, org: demoOrgPolicy(), clock: new OffsetClock(), whatsapp })
    const host = await startHost({ engine, token: 'crash-token', port, rendererDir: dataDir })
    sandbox.setWebhookUrl(webhookUrl)
    engine.start()
    const call = async (channel: string, payload: unknown) => {
      const result = await engine.dispatch({ userId: 'priya' }, channel, payload)
      if (!result.ok) throw new Error(`${channel}: ${result.error.message}`)
      return result.value
    }
    for (const user of users) {
      const contact = (await call('contacts:create', { name: user.name, phone: user.phone })) as Contact
      await call('conversations:start', { contactId: contact.id, channel: 'whatsapp', requestConsent: false })
      sandbox.userWrites(user.phone, { text: 'Hello' })
    }
    for (let i = 0; i < 1000 && sandbox.webhookStats().pending > 0; i++) {
      await sandbox.idle()
      await engine.settled()
    }
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
    sandbox.setWebhookUrl('')
    log(`prepared ${USERS} consented users`)
  }

  // 2. Run the engine in a child, killing it at random moments.
  let child: ChildProcess | undefined
  let written = false
  const spawnChild = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const proc = fork(entry.file, [], {
        cwd: root,
        execArgv: entry.execArgv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: {
          ...process.env,
          CRASH_DATA_DIR: dataDir,
          CRASH_PORT: String(port),
          CRASH_SANDBOX_URL: sandbox.url,
          CRASH_TOKEN: TOKEN,
          CRASH_SECRET: SECRET,
          CRASH_PHONE_NUMBER_ID: sandbox.phoneNumberId,
          CRASH_WABA_ID: sandbox.wabaId,
          CRASH_PER_USER: String(PER_USER),
          CRASH_GRACE_MS: process.env.CRASH_GRACE_MS ?? '5000',
          CRASH_SEND_TIMEOUT_MS: process.env.CRASH_SEND_TIMEOUT_MS ?? '15000',
          CRASH_RATE: process.env.CRASH_RATE ?? '100',
        },
      })
      const spawnedAt = Date.now()
      proc.on('message', (message: { type?: string }) => {
        if (message?.type === 'ready') {
          if (process.env.CRASH_DEBUG) log(`child ready after ${Date.now() - spawnedAt} ms ${JSON.stringify(message)}`)
          // Back up: release the webhooks held while it was down, and fast-forward their retry timers.
          sandbox.setWebhookUrl(webhookUrl)
          clock.advance(5 * 60_000)
          resolve(proc)
        }
        if (message?.type === 'written') written = true
      })
      proc.once('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`engine child exited early (code ${code}, signal ${signal})`))
      })
    })
  const kill = async (proc: ChildProcess) => {
    sandbox.setWebhookUrl('')
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill('SIGKILL')
    await exited
  }
  const onTimer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

  let paused = false
  let pauses = 0
  const backPressure = setInterval(() => {
    const pending = sandbox.webhookStats().pending
    if (!child?.connected) {
      paused = false
      return
    }
    if (!paused && pending > 150) {
      paused = true
      pauses++
      child.send({ type: 'pause' })
    } else if (paused && pending < 40) {
      paused = false
      child.send({ type: 'resume' })
    }
  }, 50)

  let kills = 0
  while (kills < KILLS) {
    child = await spawnChild()
    // A random moment: soon after start (recovery), while writing, or while sending.
    await onTimer(Math.floor(random() * 900))
    await kill(child)
    kills++
  }
  log(`${kills} kills done; plan fully written before the last kill: ${written}`)
  child = await spawnChild()
  const status = () =>
    new Promise<{ outbox: { held: number; ready: number; leased: number } }>((resolve) => {
      const listener = (message: { type?: string; outbox?: { held: number; ready: number; leased: number } }) => {
        if (message?.type !== 'status') return
        child.off('message', listener)
        resolve(message as { outbox: { held: number; ready: number; leased: number } })
      }
      child.on('message', listener)
      child.send({ type: 'status' })
    })
  const expectedTotal = USERS * PER_USER
  for (;;) {
    await sandbox.idle()
    const { outbox } = await status()
    if (written && outbox.held + outbox.ready + outbox.leased === 0) break
    if (Date.now() - started > 600_000) {
      log(`gave up waiting: outbox ${JSON.stringify(outbox)}`)
      break
    }
    // Leases from the last kill end on the child's real-time clock; give it a moment.
    await onTimer(200)
  }
  await sandbox.idle()
  clearInterval(backPressure)
  await kill(child)
  log(`back-pressure pauses: ${pauses}`)

  // 3. Compare the sandbox's delivery log with the plan.
  let delivered = 0
  let lost = 0
  let duplicated = 0
  let outOfOrder = 0
  for (const user of users) {
    const texts = sandbox
      .deliveries(user.phone)
      .filter((d) => d.type === 'text')
      .map((d) => d.text ?? '')
    delivered += texts.length
    const seen = new Map<number, number>()
    let last = -1
    for (const text of texts) {
      const k = Number(text.slice(text.lastIndexOf('#') + 1))
      seen.set(k, (seen.get(k) ?? 0) + 1)
      if (k < last) outOfOrder++
      last = Math.max(last, k)
    }
    for (let k = 0; k < PER_USER; k++) {
      const n = seen.get(k) ?? 0
      if (n === 0) lost++
      if (n > 1) duplicated += n - 1
      if (n > 1 && process.env.CRASH_DEBUG) {
        const copies = sandbox.deliveries(user.phone).filter((d) => d.text?.endsWith(`#${k}`))
        log(`duplicate ${user.phone} #${k}: ${JSON.stringify(copies.map((d) => ({ at: d.at - started, biz: d.bizOpaqueCallbackData })))}`)
      }
    }
  }
  await sandbox.close()
  if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true })
  log(`expected ${expectedTotal} messages; took ${((Date.now() - started) / 1000).toFixed(1)} s`)
  console.log(`delivered=${delivered} lost=${lost} duplicated=${duplicated} out_of_order=${outOfOrder} kills=${kills}`)
  return lost + duplicated + outOfOrder > 0 || delivered !== expectedTotal ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(2)
  },
)
