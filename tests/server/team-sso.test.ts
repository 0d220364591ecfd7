// The team server's single sign-on, end to end: the server's own routes against a real OpenID
// provider, and the cookie and CSP flags that follow GREENLINE_PUBLIC_URL.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../electron/core/http/http-util'
import { resolveServerConfig } from '../../electron/server/config'
import { startServer, type TeamServer } from '../../electron/server/server'
import { startOidcProvider, type TestOidcProvider } from './oidc-provider'
import { WsClient } from '../helpers/ws-client'

const dirs: string[] = []
const servers: TeamServer[] = []
let op: TestOidcProvider

afterAll(async () => {
  for (const server of servers) await server.close()
  await op?.close()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function start(argv: string[], env: NodeJS.ProcessEnv): Promise<TeamServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'greenline-sso-'))
  dirs.push(dataDir)
  const server = await startServer(resolveServerConfig([...argv, '--data-dir', dataDir], env), {
    rendererDir: join(dataDir, 'no-renderer'),
    env: {},
  })
  servers.push(server)
  return server
}

describe('single sign-on on the team server', () => {
  let server: TeamServer

  beforeAll(async () => {
    const port = await freePort()
    op = await startOidcProvider({
      clients: [
        { client_id: 'greenline', client_secret: 'sso-test-secret', redirect_uris: [`http://127.0.0.1:${port}/auth/oidc/callback`] },
      ],
      accounts: {
        sam: { email: 'Sam@Acme.example', name: 'Sam Lee' },
        stranger: { email: 'stranger@elsewhere.example', name: 'Stranger' },
      },
    })
    server = await start(['--port', String(port)], {
      GREENLINE_OIDC_ISSUER: op.issuer,
      GREENLINE_OIDC_CLIENT_ID: 'greenline',
      GREENLINE_OIDC_CLIENT_SECRET: 'sso-test-secret',
      GREENLINE_OIDC_LABEL: 'Acme SSO',
    })
    // An administrator added Sam; his user ID is his e-mail address, the claim SSO maps by default.
    await server.engine.store.accounts.upsertAccount({ userId: 'sam@acme.example', name: 'Sam Lee', role: 'member', now: Date.now() })
  })

  /** What a browser does: /auth/oidc/start → the provider → back to /auth/oidc/callback. */
  async function ssoAs(accountId: string): Promise<Response> {
    const started = await fetch(`${server.url}/auth/oidc/start`, { redirect: 'manual' })
    expect(started.status).toBe(303)
    const pendingCookie = started.headers.get('set-cookie')!.split(';')[0]
    expect(pendingCookie).toMatch(/^greenline_sso=/)
    const callback = await op.signInAs(started.headers.get('location')!, accountId)
    expect(callback.pathname).toBe('/auth/oidc/callback')
    return fetch(callback, { redirect: 'manual', headers: { Cookie: pendingCookie } })
  }

  it('offers the provider on the sign-in page', async () => {
    expect(await (await fetch(`${server.url}/auth/config`)).json()).toEqual({ mode: 'team', password: true, sso: { label: 'Acme SSO' } })
  })

  it('signs a known user in through the provider, into a session the API socket accepts', async () => {
    const back = await ssoAs('sam')
    expect(back.status).toBe(303)
    expect(back.headers.get('location')).toBe('/')
    const cookie = back.headers
      .getSetCookie()
      .find((c) => c.startsWith('greenline_session='))!
      .split(';')[0]
    expect(await (await fetch(`${server.url}/auth/me`, { headers: { Cookie: cookie } })).json()).toEqual({
      user: { id: 'sam@acme.example', name: 'Sam Lee' },
      role: 'member',
    })
    const client = await WsClient.connect(server.url, { headers: { Cookie: cookie } })
    expect((await client.request('session:get', {})).user.id).toBe('sam@acme.example')
    client.close()
  })

  it('sends someone the organization has not added back to the sign-in page with the reason', async () => {
    const back = await ssoAs('stranger')
    expect(back.status).toBe(303)
    const location = new URL(back.headers.get('location')!, server.url)
    expect(location.pathname).toBe('/')
    expect(location.searchParams.get('signin_error')).toMatch(/has not given you access/)
    expect(JSON.parse(location.searchParams.get('signin_error_text')!)).toEqual({ code: 'auth.noAccess' })
    expect(back.headers.getSetCookie().some((c) => c.startsWith('greenline_session='))).toBe(false)
  })

  it('refuses a callback that this server did not start', async () => {
    const started = await fetch(`${server.url}/auth/oidc/start`, { redirect: 'manual' })
    const callback = await op.signInAs(started.headers.get('location')!, 'sam')
    const back = await fetch(callback, { redirect: 'manual' })
    const query = new URL(back.headers.get('location')!, server.url).searchParams
    expect(query.get('signin_error')).toMatch(/not started here/)
    expect(JSON.parse(query.get('signin_error_text')!)).toEqual({ code: 'auth.ssoNotStartedHere' })
  })
})

describe('a server behind a TLS proxy at its public URL', () => {
  it('derives the cookie flags, the CSP and the allowed origins from GREENLINE_PUBLIC_URL', async () => {
    const server = await start(['--port', '0', '--trust-proxy'], {
      GREENLINE_PUBLIC_URL: 'https://greenline.acme.example',
      GREENLINE_ADMIN_USER: 'priya',
      GREENLINE_ADMIN_PASSWORD: 'a long admin password',
    })
    const page = await fetch(`${server.url}/`)
    const csp = page.headers.get('content-security-policy')!
    expect(csp).toContain("connect-src 'self' wss://greenline.acme.example")
    expect(page.headers.get('strict-transport-security')).toContain('max-age=')

    const signIn = (origin: string) =>
      fetch(`${server.url}/auth/password`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin, 'X-Forwarded-Proto': 'https' },
        body: JSON.stringify({ userId: 'priya', password: 'a long admin password' }),
      })
    expect((await signIn('https://evil.example')).status).toBe(403)
    const response = await signIn('https://greenline.acme.example')
    expect(response.status).toBe(204)
    const cookie = response.headers.get('set-cookie')!
    expect(cookie).toMatch(/^__Host-greenline_session=/)
    expect(cookie).toContain('Secure')
    expect(cookie).toContain('HttpOnly')
  })

  it('refuses a public URL that is plain HTTP off this machine', () => {
    expect(() => resolveServerConfig([], { GREENLINE_PUBLIC_URL: 'http://greenline.acme.example' })).toThrow(/must be https/)
  })
})

describe('demo sign-in', () => {
  it('lets a loopback sandbox server offer "pick who you are", labelled demo', async () => {
    const server = await start(['--port', '0', '--demo'], {})
    expect(await (await fetch(`${server.url}/auth/config`)).json()).toMatchObject({ mode: 'demo' })
    const client = await WsClient.connect(server.url)
    expect((await client.request('session:signIn', { userId: 'sam' })).user.id).toBe('sam')
    client.close()
  })

  it('is refused on an address other machines can reach', async () => {
    await expect(
      start(['--port', '0', '--demo', '--bind', '0.0.0.0'], { GREENLINE_PUBLIC_URL: 'https://greenline.acme.example' }),
    ).rejects.toThrow(/only with the sandbox on a loopback address/)
  })
})
