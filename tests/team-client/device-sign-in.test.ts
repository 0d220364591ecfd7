// @team-client: the desktop's sign-in to a real team server process (RFC 8252: the system browser,
// PKCE, a loopback redirect), the password alternative, and each failure's own words.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpsServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../electron/core/http/http-util'
import {
  normalizeServerUrl,
  revokeDeviceToken,
  SIGN_IN_MESSAGES,
  signInWithBrowser,
  signInWithPassword,
  SignInError,
} from '../../electron/team-client/device-sign-in'
import { passwordSessionCookie } from '../helpers/password-sign-in'
import { PASSWORD, startServerProcess, type ServerProcess } from './server-process'

let server: ServerProcess
let cookie: string

beforeAll(async () => {
  server = await startServerProcess(['priya'])
  cookie = await passwordSessionCookie(server.url, 'priya', PASSWORD)
}, 120_000)

afterAll(async () => {
  await server.dispose()
})

/**
 * The system browser, played over real HTTP: opens the approval page with Priya's browser
 * session, answers it as she would, and follows the redirect back to the app's loopback address.
 */
function browser(decision: 'allow' | 'deny', seen: { page?: string; callback?: string } = {}) {
  return async (url: string) => {
    const page = await fetch(url, { headers: { Cookie: cookie }, redirect: 'manual' })
    seen.page = await page.text()
    expect(page.status).toBe(200)
    const form = new URLSearchParams(Object.fromEntries(new URL(url).searchParams))
    form.set('decision', decision)
    const answered = await fetch(`${server.url}/auth/device/authorize`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: server.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    })
    expect(answered.status).toBe(303)
    seen.callback = answered.headers.get('location')!
    await (await fetch(seen.callback)).text()
  }
}

async function me(token: string): Promise<number> {
  return (await fetch(`${server.url}/auth/me`, { headers: { Authorization: `Bearer ${token}` } })).status
}

describe('desktop sign-in @team-client', () => {
  it('signs in through the browser: approve, back to the loopback port, a token for this computer', async () => {
    const seen: { page?: string; callback?: string } = {}
    const credential = await signInWithBrowser({
      serverUrl: server.url,
      deviceName: 'Greenline on PRIYA-LAPTOP',
      openBrowser: browser('allow', seen),
    })
    expect(seen.page).toContain('Greenline on PRIYA-LAPTOP')
    expect(seen.callback).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=.+&state=.+/)
    expect(credential).toMatchObject({ serverUrl: server.url, userId: 'priya' })
    expect(await me(credential.token)).toBe(200)

    // Sign out revokes it on the server.
    await revokeDeviceToken(credential)
    expect(await me(credential.token)).toBe(401)
  })

  it('a code works once, with its own verifier only', async () => {
    const seen: { callback?: string } = {}
    await signInWithBrowser({ serverUrl: server.url, deviceName: 'laptop', openBrowser: browser('allow', seen) })
    const callback = new URL(seen.callback!)
    const replay = await fetch(`${server.url}/auth/device/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        code: callback.searchParams.get('code'),
        code_verifier: 'x'.repeat(43),
        redirect_uri: `${callback.origin}/callback`,
      }),
    })
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('Cancel in the browser ends the sign-in without a token', async () => {
    const failed = signInWithBrowser({ serverUrl: server.url, deviceName: 'laptop', openBrowser: browser('deny') })
    await expect(failed).rejects.toThrow(SIGN_IN_MESSAGES.denied)
  })

  it('a browser not signed in is sent to sign in first, then back to the approval', async () => {
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
    const url = `${server.url}/auth/device/authorize?response_type=code&client_id=greenline-desktop&redirect_uri=${encodeURIComponent('http://127.0.0.1:5999/callback')}&code_challenge=${challenge}&code_challenge_method=S256&state=${'s'.repeat(20)}`
    const response = await fetch(url, { redirect: 'manual' })
    expect(response.status).toBe(303)
    const next = new URL(response.headers.get('location')!, server.url)
    expect(next.pathname).toBe('/')
    expect(next.searchParams.get('next')).toBe(new URL(url).pathname + new URL(url).search)
  })

  it('asks for approval in the browser’s language, with the names as text', async () => {
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
    const url = `${server.url}/auth/device/authorize?response_type=code&client_id=greenline-desktop&redirect_uri=${encodeURIComponent('http://127.0.0.1:5999/callback')}&code_challenge=${challenge}&code_challenge_method=S256&state=${'s'.repeat(20)}&device_name=${encodeURIComponent('<b>Ana</b>')}`
    const german = await fetch(url, { headers: { Cookie: cookie, 'Accept-Language': 'ja;q=1, de-AT;q=0.9, en;q=0.5' } })
    const html = await german.text()
    expect(html).toContain('<html lang="de">')
    expect(html).toContain('Darf sich <strong>&lt;b&gt;Ana&lt;/b&gt;</strong> als <strong>priya</strong> bei Greenline anmelden?')
    expect(html).toContain('data-testid="device-allow">Erlauben</button>')
    const broken = await fetch(`${server.url}/auth/device/authorize?response_type=nope`, { headers: { 'Accept-Language': 'pt-BR' } })
    expect(broken.status).toBe(400)
    expect(await broken.text()).toContain('Este link de entrada não é válido.')
    // No Accept-Language: English.
    expect(await (await fetch(url, { headers: { Cookie: cookie } })).text()).toContain('data-testid="device-allow">Allow</button>')
  })

  it('never redirects to an address that is not this computer', async () => {
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
    for (const redirect of ['https://evil.example/callback', 'http://localhost:5999/callback', 'http://user@127.0.0.1:5999/']) {
      const url = `${server.url}/auth/device/authorize?response_type=code&client_id=greenline-desktop&redirect_uri=${encodeURIComponent(redirect)}&code_challenge=${challenge}&code_challenge_method=S256&state=${'s'.repeat(20)}`
      const response = await fetch(url, { headers: { Cookie: cookie }, redirect: 'manual' })
      expect(response.status).toBe(400)
      expect(response.headers.get('location')).toBeNull()
    }
  })

  it('signs in with a password instead, keeping no browser session behind', async () => {
    const credential = await signInWithPassword({ serverUrl: server.url, userId: 'priya', password: PASSWORD, deviceName: 'desk PC' })
    expect(credential.userName).toBeTruthy()
    expect(await me(credential.token)).toBe(200)
    await expect(
      signInWithPassword({ serverUrl: server.url, userId: 'priya', password: 'wrong password!', deviceName: 'desk PC' }),
    ).rejects.toThrow(SIGN_IN_MESSAGES.mismatch)
  })

  it('says the server cannot be reached when nothing answers', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`
    const error = await signInWithPassword({ serverUrl: closed, userId: 'priya', password: PASSWORD, deviceName: 'x' }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(SignInError)
    expect((error as SignInError).problem).toBe('unreachable')
    // The browser is not opened for a server that is not there.
    let opened = false
    await expect(signInWithBrowser({ serverUrl: closed, deviceName: 'x', openBrowser: () => void (opened = true) })).rejects.toThrow(
      SIGN_IN_MESSAGES.unreachable,
    )
    expect(opened).toBe(false)
  })

  it('refuses a server whose certificate does not verify, in its own words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenline-cert-'))
    let tls: Server | undefined
    try {
      const made = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ])
      expect(made.status).toBe(0)
      tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) =>
        res.end('{}'),
      )
      await new Promise<void>((resolve) => tls!.listen(0, '127.0.0.1', resolve))
      const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`
      const error = await signInWithPassword({ serverUrl: url, userId: 'priya', password: PASSWORD, deviceName: 'x' }).catch(
        (e: unknown) => e,
      )
      expect((error as SignInError).problem).toBe('certificate')
      expect((error as SignInError).message).toBe(SIGN_IN_MESSAGES.certificate)
    } finally {
      tls?.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('takes an address as people type it, and refuses plain HTTP to another machine', () => {
    expect(normalizeServerUrl('greenline.acme.example')).toBe('https://greenline.acme.example')
    expect(normalizeServerUrl(' https://greenline.acme.example/some/page ')).toBe('https://greenline.acme.example')
    expect(normalizeServerUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080')
    expect(() => normalizeServerUrl('http://greenline.acme.example')).toThrow(SIGN_IN_MESSAGES['bad-address'])
  })
})
