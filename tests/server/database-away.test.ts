import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { resolveServerConfig } from '../../electron/server/config'
import { startServer, type TeamServer } from '../../electron/server/server'
import { passwordSessionCookie } from '../helpers/password-sign-in'
import { WsClient } from '../helpers/ws-client'
import { sqliteDbOf } from '../helpers/store-engines'

// Sessions are looked up in the database on every request: when it cannot answer, a signed-in
// person is told to come back (503), never that they are signed out (401), which would drop them
// to the sign-in screen.
const ADMIN_PASSWORD = 'correct horse battery staple'
let dataDir: string
let server: TeamServer

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'greenline-db-away-'))
  const config = resolveServerConfig(['--port', '0', '--data-dir', dataDir], {
    GREENLINE_ADMIN_USER: 'priya',
    GREENLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
  })
  server = await startServer(config, { rendererDir: join(dataDir, 'no-renderer'), env: {} })
})

afterAll(async () => {
  await server?.close().catch(() => undefined)
  rmSync(dataDir, { recursive: true, force: true })
})

it('answers 503 (not 401) over HTTP and on the socket while the database cannot be read', async () => {
  const cookie = await passwordSessionCookie(server.url, 'priya', ADMIN_PASSWORD)
  expect((await fetch(`${server.url}/auth/me`, { headers: { Cookie: cookie } })).status).toBe(200)

  sqliteDbOf(server.engine).close()
  const me = await fetch(`${server.url}/auth/me`, { headers: { Cookie: cookie } })
  expect(me.status).toBe(503)
  expect(me.headers.get('retry-after')).toBe('5')
  expect(((await me.json()) as { message: string }).message).toMatch(/cannot reach its database/)
  await expect(WsClient.connect(server.url, { headers: { Cookie: cookie } })).rejects.toThrow(/503/)
})
