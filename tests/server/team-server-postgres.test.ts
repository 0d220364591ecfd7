import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveServerConfig } from '../../electron/server/config'
import { migrateCommand } from '../../electron/server/migrate-command'
import { createCredentials } from '../../electron/server/auth/credentials'
import { openServerDatabase } from '../../electron/server/database'
import { createAdmin, startServer, type TeamServer } from '../../electron/server/server'
import { passwordSessionCookie } from '../helpers/password-sign-in'
import { usePgCluster } from '../helpers/pg-cluster'
import { WsClient } from '../helpers/ws-client'
import { SYNC_CHANNEL, type SyncValue } from '../../electron/shared/api/sync'

// The team server with GREENLINE_DATABASE_URL: the engine's data lives in PostgreSQL, none in the
// data directory's SQLite file, and a restart on another machine (another data directory) finds
// the office's history there. Several instances may serve one database (tests/core/outbox/several-instances.test.ts).
const ADMIN_PASSWORD = 'correct horse battery staple'
const ANA = '+14155550101'
/** How long a step through the sandbox may take (webhooks, the outbox): generous on a loaded machine. */
const WAIT = { timeout: 15_000 }
const cluster = usePgCluster()
const dirs: string[] = []
let databaseUrl = ''

beforeAll(async () => {
  databaseUrl = await cluster().createDatabase('server')
})

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'greenline-server-pg-'))
  dirs.push(dir)
  return dir
}

const configFor = (dataDir: string) =>
  resolveServerConfig(['--port', '0', '--data-dir', dataDir], {
    GREENLINE_DATABASE_URL: databaseUrl,
    GREENLINE_DATABASE_POOL_MAX: '4',
    GREENLINE_ADMIN_USER: 'priya',
    GREENLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
  })

function start(dataDir: string): Promise<TeamServer> {
  return startServer(configFor(dataDir), { rendererDir: join(dataDir, 'no-renderer'), env: {} })
}

async function sandbox<T = unknown>(server: TeamServer, path: string, body?: unknown): Promise<T> {
  const response = await fetch(
    `${server.sandbox!.url}${path}`,
    body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
  )
  if (!response.ok) throw new Error(`sandbox ${path}: HTTP ${response.status}`)
  return (await response.json()) as T
}

async function deliveredTo(server: TeamServer, phone: string): Promise<Array<{ type: string; text?: string }>> {
  return sandbox(server, `/sandbox/deliveries?phone=${encodeURIComponent(phone)}`)
}

/** Servers listening to the other instances of the database (one cluster-link connection each). */
async function instancesListening(): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'greenline-events' AND datname = current_database()`,
    )
    return rows[0].n
  } finally {
    await client.end()
  }
}

/** Catch-up from change number `since` (a team client's `sync:changes`). */
async function sync(client: WsClient, since: number): Promise<SyncValue> {
  const reply = await client.raw(SYNC_CHANNEL, { since })
  if (!reply.ok) throw new Error(`sync:changes: ${reply.error.message}`)
  return reply.value as SyncValue
}

async function signedIn(server: TeamServer): Promise<WsClient> {
  return WsClient.connect(server.url, { headers: { Cookie: await passwordSessionCookie(server.url, 'priya', ADMIN_PASSWORD) } })
}

describe('the team server on PostgreSQL (GREENLINE_DATABASE_URL)', () => {
  it('refuses a database that was not migrated, naming the command, and starts once it is', async () => {
    await expect(start(newDataDir())).rejects.toThrow(/schema 0; this Greenline needs \d+\. Run `npm run server -- migrate`/)
    const said: string[] = []
    await migrateCommand([], { GREENLINE_DATABASE_URL: databaseUrl }, (line) => said.push(line))
    expect(said.join('\n')).toMatch(/schema 0 → \d+/)
  })

  it('keeps a conversation in PostgreSQL: consent, a queued message, a reply, then a restart elsewhere still has it', async () => {
    const dataDir = newDataDir()
    const server = await start(dataDir)
    let conversationId = ''
    try {
      expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ ready: true, database: true, connector: true })

      const client = await signedIn(server)
      const contact = await client.request('contacts:create', { name: 'Ana Souza', phone: ANA })
      conversationId = (await client.request('conversations:start', { contactId: contact.id, channel: 'whatsapp' })).id
      await client.request('messages:send', { conversationId, text: 'Your order shipped.' })
      // The message waits for consent; the guest taps Yes once the request reached the phone.
      await expect.poll(async () => (await deliveredTo(server, ANA)).some((d) => d.type === 'template'), WAIT).toBe(true)
      await sandbox(server, `/sandbox/users/${encodeURIComponent(ANA)}/messages`, { buttonPayload: 'CONSENT_YES' })
      await expect.poll(async () => (await deliveredTo(server, ANA)).map((d) => d.text), WAIT).toContain('Your order shipped.')
      await sandbox(server, `/sandbox/users/${encodeURIComponent(ANA)}/messages`, { text: 'Thanks, is it insured?' })
      await expect
        .poll(async () => (await client.request('messages:list', { conversationId })).map((m) => m.text), WAIT)
        .toContain('Thanks, is it insured?')
      // The archive is read from a PostgreSQL snapshot: the thread's messages and its consent history.
      const exported = await client.request('export:run', {})
      expect(exported).toMatchObject({ conversations: 1, messages: 5 })
      const archive = (name: string) =>
        readFileSync(join(exported.outDir, name), 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(archive('messages.jsonl').map((m) => m.text)).toEqual(
        expect.arrayContaining(['Your order shipped.', 'Thanks, is it insured?']),
      )
      expect(archive('consent.jsonl').map((c) => c.state)).toContain('granted')
      expect(JSON.parse(readFileSync(join(exported.outDir, 'manifest.json'), 'utf8'))).toMatchObject({
        counts: { messages: 5, conversations: 1 },
      })
      client.close()

      // `admin create` beside the running server: the new administrator signs in at once.
      const database = await openServerDatabase(configFor(newDataDir()))
      await database.read((store) =>
        createAdmin(store, createCredentials(store, Date.now), Date.now, {
          userId: 'sam',
          name: 'Sam Lee',
          password: 'another long password',
        }),
      )
      await database.close()
      expect(await passwordSessionCookie(server.url, 'sam', 'another long password')).toMatch(/=/)
    } finally {
      await server.close()
    }
    expect(existsSync(join(dataDir, 'greenline.db'))).toBe(false)

    // Another machine (its own data directory) on the same database: the same office, the same history.
    const again = await start(newDataDir())
    try {
      const client = await signedIn(again)
      const texts = (await client.request('messages:list', { conversationId })).map((m) => m.text)
      expect(texts).toEqual(expect.arrayContaining(['Your order shipped.', 'Thanks, is it insured?']))
      expect((await client.request('conversations:list', {})).map((c) => c.id)).toContain(conversationId)
      client.close()
    } finally {
      await again.close()
    }
  })

  it('two servers on one database: a user on A sees what B wrote, and signing out on B closes the socket on A', async () => {
    const a = await start(newDataDir())
    const b = await start(newDataDir())
    try {
      const onA = await signedIn(a)
      const { cursor: before } = await sync(onA, 0)
      const cookie = await passwordSessionCookie(b.url, 'priya', ADMIN_PASSWORD)
      const onB = await WsClient.connect(b.url, { headers: { Cookie: cookie } })
      const contact = await onB.request('contacts:create', { name: 'Bea Lima', phone: '+14155550177' })
      const { id } = await onB.request('conversations:start', { contactId: contact.id, channel: 'whatsapp' })
      await onB.request('messages:send', { conversationId: id, text: 'Written on B' })
      const seenOnA = () => onA.events.map((e) => e.payload as { id?: string; name?: string; text?: string })
      await expect.poll(() => seenOnA().some((p) => p.name === 'Bea Lima'), WAIT).toBe(true)
      await expect.poll(() => seenOnA().some((p) => p.text === 'Written on B'), WAIT).toBe(true)
      await expect.poll(() => seenOnA().some((p) => p.id === id), WAIT).toBe(true)
      // What A reads is the same office's data.
      expect((await onA.request('messages:list', { conversationId: id })).map((m) => m.text)).toContain('Written on B')
      // A client catching up from its cursor gets the same answer whichever instance it asks.
      const catchUp = (client: WsClient) => sync(client, before)
      await expect.poll(async () => (await catchUp(onA)).messages.map((m) => m.text), WAIT).toContain('Written on B')
      const [fromA, fromB] = [await catchUp(onA), await catchUp(onB)]
      expect(fromB.cursor).toBe(fromA.cursor)
      expect(fromB.messages.map((m) => m.id).sort()).toEqual(fromA.messages.map((m) => m.id).sort())
      expect(fromB.conversations.map((c) => c.id)).toContain(id)

      // Priya's other session (onB's) signs out on B; a socket of that session on A is closed too.
      const sameSessionOnA = await WsClient.connect(a.url, { headers: { Cookie: cookie } })
      expect((await fetch(`${b.url}/auth/logout`, { method: 'POST', headers: { Cookie: cookie } })).status).toBe(204)
      expect(await sameSessionOnA.closed).toBe(4001)
      expect(await onB.closed).toBe(4001)
      onA.close()
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it('when PostgreSQL goes away: 503 with the reason, never 401, and back to work once it returns, without a restart', async () => {
    const server = await start(newDataDir())
    try {
      const cookie = await passwordSessionCookie(server.url, 'priya', ADMIN_PASSWORD)
      const before = await WsClient.connect(server.url, { headers: { Cookie: cookie } })
      cluster().pause()
      try {
        const ready = await fetch(`${server.url}/readyz`)
        expect(ready.status).toBe(503)
        expect(await ready.json()).toMatchObject({ ready: false, database: false, reason: expect.stringMatching(/^database: /) })
        const me = await fetch(`${server.url}/auth/me`, { headers: { Cookie: cookie } })
        expect(me.status).toBe(503)
        expect(((await me.json()) as { message: string }).message).toMatch(/cannot reach its database/)
      } finally {
        cluster().resume()
      }
      await expect.poll(async () => (await fetch(`${server.url}/readyz`)).status, WAIT).toBe(200)
      expect((await fetch(`${server.url}/auth/me`, { headers: { Cookie: cookie } })).status).toBe(200)
      // The connection listening to other instances died with the database: it is back.
      await expect.poll(instancesListening, WAIT).toBe(1)
      // Events of other instances may have been missed meanwhile: clients reconnect and catch up.
      expect(await before.closed).toBe(1012)
      const client = await WsClient.connect(server.url, { headers: { Cookie: cookie } })
      expect(await client.request('contacts:create', { name: 'Back Again', phone: '+14155550102' })).toMatchObject({ name: 'Back Again' })
      client.close()
    } finally {
      await server.close()
    }
  })
})
