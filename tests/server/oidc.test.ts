// SSO against a real OpenID provider (oidc-provider on loopback): every test runs the whole code
// flow over HTTP, so discovery, PKCE, the token request, ID token checks and userinfo are real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOidcClient, OidcError, PENDING_TTL_MS, type OidcSettings } from '../../electron/server/auth/oidc'
import { startOidcProvider, type TestOidcProvider } from './oidc-provider'

const REDIRECT_URI = 'http://127.0.0.1:1/auth/oidc/callback'
const accounts = {
  alice: { email: 'Alice.Liddell@Example.COM', name: 'Alice Liddell' },
  mallory: { email: 'mallory@example.com', email_verified: false, name: 'Mallory' },
}
const clients = [
  { client_id: 'greenline', client_secret: 'a-long-enough-test-secret', redirect_uris: [REDIRECT_URI] },
  { client_id: 'greenline-public', redirect_uris: [REDIRECT_URI] },
]

let op: TestOidcProvider

beforeAll(async () => {
  op = await startOidcProvider({ clients, accounts })
})

afterAll(async () => {
  await op?.close()
})

function settings(overrides: Partial<OidcSettings> = {}): OidcSettings {
  return { issuer: op.issuer, clientId: 'greenline', clientSecret: 'a-long-enough-test-secret', redirectUri: REDIRECT_URI, ...overrides }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(OidcError)
  return err as Error
}

describe('OpenID Connect sign-in', () => {
  it('signs in with the code flow and PKCE and maps the e-mail, lower-cased', async () => {
    const oidc = await createOidcClient(settings(), { allowInsecureHttp: true })
    const { url, pending } = await oidc.start()

    const auth = new URL(url)
    expect(auth.origin + auth.pathname).toBe(`${op.issuer}/auth`)
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/)
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256')
    expect(auth.searchParams.get('state')).toBe(pending.state)
    expect(auth.searchParams.get('nonce')).toBe(pending.nonce)
    expect(auth.searchParams.get('scope')).toBe('openid email profile')
    // The verifier never leaves the server.
    expect(url).not.toContain(pending.codeVerifier)

    const callback = await op.signInAs(url, 'alice')
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI)
    expect(callback.searchParams.get('code')).toBeTruthy()

    await expect(oidc.finish(callback, pending)).resolves.toEqual({ subject: 'alice', claimValue: 'alice.liddell@example.com' })
  })

  it('signs in as a public client (no secret, PKCE only)', async () => {
    const oidc = await createOidcClient(settings({ clientId: 'greenline-public', clientSecret: undefined }), { allowInsecureHttp: true })
    const { url, pending } = await oidc.start()
    const callback = await op.signInAs(url, 'alice')
    await expect(oidc.finish(callback, pending)).resolves.toEqual({ subject: 'alice', claimValue: 'alice.liddell@example.com' })
  })

  it('reads the claim from the ID token when the provider puts it there', async () => {
    const other = await startOidcProvider({ clients, accounts, claimsInIdToken: true })
    try {
      const oidc = await createOidcClient(settings({ issuer: other.issuer }), { allowInsecureHttp: true })
      const { url, pending } = await oidc.start()
      const callback = await other.signInAs(url, 'alice')
      await expect(oidc.finish(callback, pending)).resolves.toEqual({ subject: 'alice', claimValue: 'alice.liddell@example.com' })
    } finally {
      await other.close()
    }
  })

  it('maps a custom claim (name)', async () => {
    const oidc = await createOidcClient(settings({ claim: 'name' }), { allowInsecureHttp: true })
    const { url, pending } = await oidc.start()
    const callback = await op.signInAs(url, 'alice')
    await expect(oidc.finish(callback, pending)).resolves.toEqual({ subject: 'alice', claimValue: 'alice liddell' })
  })

  it('refuses when the mapped claim is missing', async () => {
    const oidc = await createOidcClient(settings({ claim: 'preferred_username' }), { allowInsecureHttp: true })
    const { url, pending } = await oidc.start()
    const callback = await op.signInAs(url, 'alice')
    expect((await rejection(oidc.finish(callback, pending))).message).toContain('"preferred_username" claim')
  })

  it('refuses a callback whose state was tampered with', async () => {
    const oidc = await createOidcClient(settings(), { allowInsecureHttp: true })
    const { url, pending } = await oidc.start()
    const callback = await op.signInAs(url, 'alice')
    callback.searchParams.set('state', `${pending.state}x`)
    expect((await rejection(oidc.finish(callback, pending))).message).toMatch(/state mismatch/)
  })

  it('refuses a callback that belongs to another sign-in', async () => {
    const oidc = await createOidcClient(settings(), { allowInsecureHttp: true })
    const first = await oidc.start()
    const second = await oidc.start()
    const callback = await op.signInAs(first.url, 'alice')
    expect((await rejection(oidc.finish(callback, second.pending))).message).toMatch(/state mismatch/)
  })

  it('reports a provider error callback (access_denied) clearly', async () => {
    const oidc = await createOidcClient(settings(), { allowInsecureHttp: true })
    const { url, pending } = await oidc.start()
    const callback = await op.refuse(url)
    expect(callback.searchParams.get('error')).toBe('access_denied')
    expect(callback.searchParams.get('state')).toBe(pending.state)
    const err = await rejection(oidc.finish(callback, pending))
    expect(err.message).toMatch(/cancelled or denied at the identity provider/)
    expect(err.message).toContain('access_denied')
  })

  it('reports another provider error with its code', async () => {
    const oidc = await createOidcClient(settings(), { allowInsecureHttp: true })
    const { pending } = await oidc.start()
    const callback = new URL(`${REDIRECT_URI}?error=temporarily_unavailable&state=${pending.state}`)
    expect((await rejection(oidc.finish(callback, pending))).message).toMatch(/refused the sign-in \(temporarily_unavailable\)/)
  })

  it('refuses an e-mail the provider has not verified', async () => {
    const oidc = await createOidcClient(settings(), { allowInsecureHttp: true })
    const { url, pending } = await oidc.start()
    const callback = await op.signInAs(url, 'mallory')
    expect((await rejection(oidc.finish(callback, pending))).message).toBe('The identity provider has not verified this e-mail address')
  })

  it('refuses a pending sign-in older than 10 minutes and says to start again', async () => {
    const oidc = await createOidcClient(settings(), { allowInsecureHttp: true })
    const { url, pending } = await oidc.start()
    const callback = await op.signInAs(url, 'alice')
    const err = await rejection(oidc.finish(callback, pending, pending.createdAt + PENDING_TTL_MS + 1))
    expect(err.message).toMatch(/took too long.*start the sign-in again/)
    // Only the age was wrong: the same callback inside the window still signs in.
    await expect(oidc.finish(callback, pending, pending.createdAt + PENDING_TTL_MS)).resolves.toMatchObject({ subject: 'alice' })
  })

  it('refuses a replayed code', async () => {
    const oidc = await createOidcClient(settings(), { allowInsecureHttp: true })
    const { url, pending } = await oidc.start()
    const callback = await op.signInAs(url, 'alice')
    await expect(oidc.finish(callback, pending)).resolves.toMatchObject({ subject: 'alice' })
    expect((await rejection(oidc.finish(callback, pending))).message).toMatch(/rejected the sign-in \(invalid_grant\)/)
  })

  it('refuses a code redeemed with the wrong PKCE verifier', async () => {
    const oidc = await createOidcClient(settings(), { allowInsecureHttp: true })
    const { url, pending } = await oidc.start()
    const other = await oidc.start()
    const callback = await op.signInAs(url, 'alice')
    const forged = { ...pending, codeVerifier: other.pending.codeVerifier }
    expect((await rejection(oidc.finish(callback, forged))).message).toMatch(/invalid_grant/)
  })

  it('refuses a plain-HTTP issuer unless allowed', async () => {
    expect((await rejection(createOidcClient(settings()))).message).toMatch(/configuration at http:\/\/127\.0\.0\.1.*HTTPS/)
  })
})
