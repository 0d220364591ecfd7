// The org policy edited by an admin on the server: the org file's schema, saved, applied to the
// running server at once, and used from the next start.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveServerConfig } from '../../electron/server/config'
import { startServer, type TeamServer } from '../../electron/server/server'
import { WsClient } from '../helpers/ws-client'

const dataDir = mkdtempSync(join(tmpdir(), 'greenline-policy-'))
const ADMIN = { GREENLINE_ADMIN_USER: 'priya', GREENLINE_ADMIN_PASSWORD: 'policy admin password' }
let server: TeamServer | undefined

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

async function startSignedIn(): Promise<{ server: TeamServer; admin: WsClient }> {
  const started = await startServer(resolveServerConfig(['--port', '0', '--data-dir', dataDir], ADMIN), {
    rendererDir: join(dataDir, 'none'),
    env: {},
  })
  const response = await fetch(`${started.url}/auth/password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId: 'priya', password: ADMIN.GREENLINE_ADMIN_PASSWORD }),
  })
  const admin = await WsClient.connect(started.url, { headers: { Cookie: response.headers.get('set-cookie')!.split(';')[0] } })
  return { server: started, admin }
}

async function startedAgainClient(started: TeamServer): Promise<WsClient> {
  const response = await fetch(`${started.url}/auth/password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId: 'priya', password: ADMIN.GREENLINE_ADMIN_PASSWORD }),
  })
  return WsClient.connect(started.url, { headers: { Cookie: response.headers.get('set-cookie')!.split(';')[0] } })
}

describe('the org policy on the server', () => {
  it('shows the running policy without users, refuses an invalid one by field, and saves a valid one', async () => {
    let admin: WsClient
    ;({ server, admin } = await startSignedIn())
    const current = await admin.request('admin:policy', {})
    expect(current).toMatchObject({ source: 'file', restartRequired: false, policy: { name: 'Greenline Demo' } })
    expect(current.policy).not.toHaveProperty('users')

    expect(await admin.raw('admin:setPolicy', { policy: { ...current.policy, attribution: 'no placeholders' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'In the policy, attribution must contain {name} and {text}' },
    })
    expect(await admin.raw('admin:setPolicy', { policy: { ...current.policy, fax: true } })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'In the policy, fax is not a known setting' },
    })
    const text = 'Your card 4111 1111 1111 1111 is on file'
    expect(await admin.request('messages:checkText', { text })).toMatchObject({ action: 'ok' })
    const saved = await admin.request('admin:setPolicy', {
      policy: {
        ...current.policy,
        name: 'Acme Dental',
        attribution: '{name}: {text}',
        lexicon: [{ name: 'card numbers', pattern: '\\b(?:\\d[ -]?){13,16}\\b', action: 'block', reason: 'Never send card numbers' }],
      },
    })
    expect(saved).toMatchObject({ source: 'saved', restartRequired: false, policy: { name: 'Acme Dental', attribution: '{name}: {text}' } })
    expect((await admin.request('admin:audit', {}))[0]).toMatchObject({ action: 'policy.saved', actorId: 'priya' })
    // Hot-applied: the running engine checks, names and labels by the new policy, no restart.
    expect(await admin.request('messages:checkText', { text })).toMatchObject({ action: 'block', rule: 'card numbers' })
    expect((await admin.request('session:get', {})).org.name).toBe('Acme Dental')
    // A fresh connection sees it too.
    const again = await startedAgainClient(server)
    expect((await again.request('session:get', {})).org.name).toBe('Acme Dental')
    again.close()
    // Switching WhatsApp off or on changes what runs: that one waits for a restart, and says so.
    const off = await admin.request('admin:setPolicy', {
      policy: { ...saved.policy, whatsapp: { ...(saved.policy.whatsapp as object), enabled: false } },
    })
    expect(off.restartRequired).toBe(true)
    await admin.request('admin:setPolicy', { policy: saved.policy })
    admin.close()
    await server.close()
    server = undefined
  }, 30_000)

  it('runs the saved policy from the next start', async () => {
    let admin: WsClient
    ;({ server, admin } = await startSignedIn())
    expect((await admin.request('session:get', {})).org.name).toBe('Acme Dental')
    expect(await admin.request('admin:policy', {})).toMatchObject({ source: 'saved', restartRequired: false })
    expect(await admin.request('messages:checkText', { text: 'card 4111 1111 1111 1111' })).toMatchObject({ action: 'block' })
    admin.close()
  }, 30_000)
})
