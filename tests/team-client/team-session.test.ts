// @team-client: the desktop's membership of a team server (plain Node, as Electron main drives it):
// the token kept only through the encryptor, resumed at start, refused → signed out, and signed
// out by revoking it on a real server process.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PROBLEM_MESSAGES } from '../../electron/team-client/connection-errors'
import { DeviceCredentialStore, type Encryptor, type StoredTeamServer } from '../../electron/team-client/device-credential-store'
import { TeamSession } from '../../electron/team-client/team-session'
import { PASSWORD, revokeToken, startServerProcess, type ServerProcess } from './server-process'

let server: ServerProcess
const dirs: string[] = []
const sessions: TeamSession[] = []

beforeAll(async () => {
  server = await startServerProcess(['priya'])
}, 120_000)

afterAll(async () => {
  for (const s of sessions) s.close()
  await server.dispose()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Stands in for safeStorage: reversible, but never the plain text. */
function fakeEncryptor(available = true): Encryptor {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (text) => Buffer.from(`enc:${Buffer.from(text).toString('hex')}`),
    decryptString: (cipher) => Buffer.from(cipher.toString().replace(/^enc:/, ''), 'hex').toString(),
  }
}

function memoryRecord(): {
  value: StoredTeamServer | undefined
  read(): StoredTeamServer | undefined
  write(v: StoredTeamServer | undefined): void
} {
  return {
    value: undefined,
    read() {
      return this.value
    },
    write(v) {
      this.value = v
    },
  }
}

function session(record = memoryRecord(), encryptor = fakeEncryptor(), dataDir = mkdtempSync(join(tmpdir(), 'greenline-session-'))) {
  dirs.push(dataDir)
  const made = new TeamSession({
    dataDir,
    credentials: new DeviceCredentialStore(record, encryptor),
    deviceName: 'Greenline on TEST-PC',
    openBrowser: () => undefined,
    client: { backoff: { baseMs: 20, maxMs: 200 } },
  })
  sessions.push(made)
  return { session: made, record, dataDir }
}

const until = (check: () => void) => vi.waitFor(check, { timeout: 30_000, interval: 25 })

async function me(token: string): Promise<number> {
  return (await fetch(`${server.url}/auth/me`, { headers: { Authorization: `Bearer ${token}` } })).status
}

describe('team session @team-client', () => {
  it('keeps the token only encrypted, and resumes it at the next start', async () => {
    const { session: first, record, dataDir } = session()
    const status = await first.signInWithPassword(server.url, 'priya', PASSWORD)
    expect(status.message).toBeUndefined()
    expect(status.user?.id).toBe('priya')
    await until(() => expect(first.status().connection).toBe('online'))
    const stored = record.value!
    expect(stored).toMatchObject({ serverUrl: server.url, userId: 'priya' })
    const token = new DeviceCredentialStore(record, fakeEncryptor()).load()!.token
    expect(JSON.stringify(stored)).not.toContain(token)
    first.close()

    const { session: again } = session(record, fakeEncryptor(), dataDir)
    expect(again.resume().user?.id).toBe('priya')
    await until(() => expect(again.status().connection).toBe('online'))
  })

  it('saves nothing and stays signed out without a keychain', async () => {
    const { session: s, record } = session(memoryRecord(), fakeEncryptor(false))
    const status = await s.signInWithPassword(server.url, 'priya', PASSWORD)
    expect(status.connection).toBe('signed-out')
    expect(status.message).toMatch(/no system keychain/)
    expect(record.value?.tokenCipher).toBeUndefined()
  })

  it('a token the server refuses signs this computer out, with its own message; address and user stay', async () => {
    const { session: s, record } = session()
    await s.signInWithPassword(server.url, 'priya', PASSWORD)
    await until(() => expect(s.status().connection).toBe('online'))
    const credential = new DeviceCredentialStore(record, fakeEncryptor()).load()!
    await revokeToken(server.url, { id: credential.tokenId, token: credential.token })
    await until(() => expect(s.status().connection).toBe('signed-out'))
    expect(s.status().message).toBe(PROBLEM_MESSAGES['refused-token'])
    // Its code beside the English: Settings writes it in the window's language.
    expect(s.status().messageText).toEqual({ code: 'teamServer.refusedToken' })
    expect(s.client).toBeUndefined()
    expect(record.value).toEqual({ serverUrl: server.url, userId: 'priya', userName: expect.any(String) })
  })

  it('Sign out revokes the token on the server', async () => {
    const { session: s, record } = session()
    await s.signInWithPassword(server.url, 'priya', PASSWORD)
    const credential = new DeviceCredentialStore(record, fakeEncryptor()).load()!
    expect(await me(credential.token)).toBe(200)
    const status = await s.signOut()
    expect(status).toMatchObject({ connection: 'signed-out', serverUrl: server.url })
    expect(status.message).toBeUndefined()
    expect(await me(credential.token)).toBe(401)
    expect(record.value?.tokenCipher).toBeUndefined()
  })

  it('a sign-in that fails says why and connects nothing', async () => {
    const { session: s } = session()
    const status = await s.signInWithPassword(server.url, 'priya', 'not the password')
    expect(status).toMatchObject({ connection: 'signed-out', message: "That user ID and password don't match." })
  })

  it('offline: the status says when the next try is, and "Try now" reaches the server at once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'greenline-session-'))
    dirs.push(dataDir)
    // The client's retry timer waits for the test's word: only "Try now" can reconnect it.
    const timers: number[] = []
    const s = new TeamSession({
      dataDir,
      credentials: new DeviceCredentialStore(memoryRecord(), fakeEncryptor()),
      deviceName: 'Greenline on TEST-PC',
      openBrowser: () => undefined,
      client: { backoff: { baseMs: 20, maxMs: 200 }, setTimer: (_run, ms) => (timers.push(ms), () => {}) },
      now: () => 1_000_000,
    })
    sessions.push(s)
    await s.signInWithPassword(server.url, 'priya', PASSWORD)
    await until(() => expect(s.status().connection).toBe('online'))
    await server.stop()
    await until(() => expect(s.status().connection).toBe('offline'))
    expect(s.status()).toMatchObject({ retryAt: 1_000_000 + timers.at(-1)!, message: PROBLEM_MESSAGES.unreachable })
    await server.start()
    s.retryNow()
    await until(() => expect(s.status().connection).toBe('online'))
    expect(s.status().retryAt).toBeUndefined()
  }, 60_000)
})
