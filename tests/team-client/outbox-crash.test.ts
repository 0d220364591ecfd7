// @team-client: the offline outbox is exactly-once across crashes. A client process is killed
// with SIGKILL ten times while it flushes (each time just after a confirmation, with the next
// send already on the wire); the server must end with every message once, in the order written.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Contact, Conversation, Message } from '../../electron/shared/domain'
import { openLocalStore } from '../../electron/team-client/local-store'
import { enqueue, pendingEntries } from '../../electron/team-client/outbox'
import { TeamClient } from '../../electron/team-client/team-client'
import { deviceToken, startServerProcess, type ServerProcess } from './server-process'

const root = join(import.meta.dirname, '..', '..')
const TOTAL = 30
let server: ServerProcess
const storeDir = mkdtempSync(join(tmpdir(), 'greenline-outbox-crash-'))

beforeAll(async () => {
  server = await startServerProcess(['priya'])
}, 120_000)

afterAll(async () => {
  await server.dispose()
  rmSync(storeDir, { recursive: true, force: true })
})

/** Runs the client process until it has confirmed `kills` more sends (then SIGKILL) or emptied its outbox. */
function runChild(token: string, killAfterSent: number | undefined): Promise<'killed' | 'empty'> {
  const env: NodeJS.ProcessEnv = { ...process.env, GREENLINE_TEST_TOKEN: token }
  delete env.VITEST
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'tests/team-client/outbox-child.ts'), server.url, storeDir, 'priya'],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  return new Promise((resolve) => {
    let sent = 0
    let outcome: 'killed' | 'empty' = 'empty'
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('sent ') && killAfterSent !== undefined && ++sent === killAfterSent) {
        outcome = 'killed'
        child.kill('SIGKILL')
      }
      if (line === 'empty' && outcome !== 'killed') child.kill('SIGTERM')
    })
    child.once('exit', () => resolve(outcome))
  })
}

it('SIGKILL ten times while the outbox flushes: nothing lost, nothing sent twice @team-client', async () => {
  const { token } = await deviceToken(server.url, 'priya')
  // Set up the thread through a client, then write the whole outbox while "offline".
  const setup = new TeamClient({ serverUrl: server.url, token, userId: 'priya', storeDir })
  setup.start()
  const call = async <T>(channel: string, payload: unknown): Promise<T> => {
    for (;;) {
      const result = await setup.request(channel, payload)
      if (result.ok) return result.value as T
      if (result.error.code !== 'unavailable') throw new Error(result.error.message)
      await new Promise<void>((resolve) => setup.on((e) => e.type === 'state' && e.state.status === 'online' && resolve()))
    }
  }
  const contact = await call<Contact>('contacts:create', { name: 'Ben Okafor', phone: '+14155550102' })
  const conversation = await call<Conversation>('conversations:start', { contactId: contact.id, channel: 'sms' })
  setup.close()
  const db = openLocalStore(storeDir)
  const written = Array.from({ length: TOTAL }, (_, i) => `crash-safe message ${i + 1}`)
  for (const text of written) enqueue(db, { userId: 'priya', conversationId: conversation.id, text }, 0)
  db.close()

  let kills = 0
  while (kills < 10) {
    if ((await runChild(token, 2)) === 'killed') kills++
    else break
  }
  expect(kills).toBe(10)
  expect(await runChild(token, undefined)).toBe('empty')

  const check = new TeamClient({ serverUrl: server.url, token, userId: 'priya', storeDir })
  check.start()
  await new Promise<void>((resolve) => check.on((e) => e.type === 'state' && e.state.status === 'online' && resolve()))
  const result = await check.request('messages:list', { conversationId: conversation.id, limit: 500 })
  expect(pendingEntries(check.db, 'priya')).toEqual([])
  check.close()
  if (!result.ok) throw new Error(result.error.message)
  const onServer = (result.value as Message[]).filter((m) => m.direction === 'out').map((m) => m.text)
  expect(onServer).toEqual(written)
}, 300_000)
