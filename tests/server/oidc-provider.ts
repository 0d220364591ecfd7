// A real OpenID provider (oidc-provider) on loopback for the SSO tests, plus a way to sign in
// without a browser: the provider's interaction URL is answered by a tiny endpoint in this helper
// that logs the chosen account in and grants consent, and signInAs() follows the redirects with a
// cookie jar, as a browser would, until the provider sends the user back to the client.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

export interface TestOidcClient {
  client_id: string
  /** Omit for a public client (token_endpoint_auth_method none). */
  client_secret?: string
  redirect_uris: string[]
}

export interface TestAccount {
  email: string
  /** Default true. */
  email_verified?: boolean
  name: string
}

export interface TestOidcProvider {
  issuer: string
  close(): Promise<void>
  /** Runs the authorization request as the given account; resolves to the redirect back to the client (with code and state). */
  signInAs(authorizationUrl: string, accountId: string): Promise<URL>
  /** Runs the authorization request and has the user refuse; resolves to the redirect back to the client (with error=access_denied). */
  refuse(authorizationUrl: string): Promise<URL>
}

/** The provider's interaction page (`/interaction/:uid`), where it sends the browser to log in; it has no UI of its own here. */
export const INTERACTION_PATH = /^\/interaction\/([^/]+)$/

/** The helper's endpoint that logs `accountId` in and grants consent for the interaction at `interactionUrl`, as a browser would. */
export function loginAsUrl(interactionUrl: string | URL, accountId: string): URL {
  const url = new URL(interactionUrl)
  const uid = INTERACTION_PATH.exec(url.pathname)?.[1]
  if (!uid) throw new Error(`Not the provider's interaction page: ${url.pathname}`)
  return new URL(`/interaction/${uid}/${loginAsAction(accountId)}`, url)
}

const loginAsAction = (accountId: string) => `login-as/${encodeURIComponent(accountId)}`

export async function startOidcProvider(options: {
  clients: TestOidcClient[]
  accounts: Record<string, TestAccount>
  /** Put email and name in the ID token too (by default they come only from userinfo, as OIDC Core says for the code flow). */
  claimsInIdToken?: boolean
}): Promise<TestOidcProvider> {
  // The issuer must be known before the provider exists, so the port is taken first and the
  // provider plugged in behind it.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end()
  const server = createServer((req, res) => handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      ...c,
      token_endpoint_auth_method: c.client_secret ? 'client_secret_basic' : 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    async findAccount(_ctx: unknown, accountId: string) {
      const account = options.accounts[accountId]
      if (!account) return undefined
      return {
        accountId,
        async claims() {
          return { sub: accountId, email: account.email, email_verified: account.email_verified ?? true, name: account.name }
        },
      }
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: !options.claimsInIdToken,
    pkce: { required: () => true },
    // The built-in login pages are replaced by the endpoints below.
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // Own signing key and explicit lifetimes, so the provider does not print its quick-start notices.
    jwks: {
      keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' }],
    },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
  })
  const callback = provider.callback()

  handle = (req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname
    const login = /^\/interaction\/[^/]+\/login-as\/([^/]+)$/.exec(path)
    if (login) return void answer(res, () => loginAs(req, res, decodeURIComponent(login[1])))
    if (/^\/interaction\/[^/]+\/refuse$/.test(path)) return void answer(res, () => refuseInteraction(req, res))
    callback(req, res)
  }

  async function loginAs(req: IncomingMessage, res: ServerResponse, accountId: string) {
    const details = await provider.interactionDetails(req, res)
    const clientId = String(details.params.client_id)
    const grant = new provider.Grant({ accountId, clientId })
    grant.addOIDCScope('openid email profile')
    const grantId = await grant.save()
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false })
  }

  async function refuseInteraction(req: IncomingMessage, res: ServerResponse) {
    await provider.interactionDetails(req, res)
    const result = { error: 'access_denied', error_description: 'End-User aborted interaction' }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false })
  }

  return {
    issuer,
    signInAs: (authorizationUrl, accountId) => drive(issuer, authorizationUrl, loginAsAction(accountId)),
    refuse: (authorizationUrl) => drive(issuer, authorizationUrl, 'refuse'),
    async close() {
      // fetch keeps connections alive; without this close() waits for them to time out.
      server.closeAllConnections()
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
    },
  }
}

/** Turns a failure in an interaction endpoint into a 500 the test sees, instead of a hung request. */
function answer(res: ServerResponse, run: () => Promise<void>) {
  run().catch((err: unknown) => {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
    res.end(err instanceof Error ? err.message : String(err))
  })
}

/**
 * Follows the authorization request's redirects like a browser; at the provider's interaction
 * page it goes to `/interaction/:uid/<action>` instead, and it stops at the first redirect that
 * leaves the provider (the client's redirect_uri).
 */
async function drive(issuer: string, authorizationUrl: string, action: string): Promise<URL> {
  const jar = new CookieJar()
  let url = new URL(authorizationUrl)
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: jar.header() })
    jar.store(res.headers.getSetCookie())
    const body = await res.text()
    const location = res.headers.get('location')
    if (res.status < 300 || res.status >= 400 || !location) {
      throw new Error(`The provider answered ${url.pathname} with ${res.status} instead of a redirect: ${pageText(body)}`)
    }
    const next = new URL(location, url)
    if (next.origin !== new URL(issuer).origin) return next
    const interaction = INTERACTION_PATH.exec(next.pathname)
    url = interaction ? new URL(`/interaction/${interaction[1]}/${action}`, issuer) : next
  }
  throw new Error('Too many redirects while signing in')
}

/** The words of the provider's HTML error page (it names the error and its description), for the test's failure message. */
function pageText(html: string): string {
  const text = html.replace(/<(style|script)[^]*?<\/\1>/g, ' ').replace(/<[^>]+>/g, ' ')
  return text.replace(/\s+/g, ' ').trim().slice(0, 500)
}

/** Enough of a cookie jar for one provider on one origin: names and values, deletions honoured, paths ignored. */
class CookieJar {
  private readonly cookies = new Map<string, string>()

  store(setCookies: string[]) {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq < 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expires = attributes.map((a) => a.trim()).find((a) => /^expires=/i.test(a))
      const deleted = !value || (expires !== undefined && Date.parse(expires.slice('expires='.length)) <= Date.now())
      if (deleted) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  header(): Record<string, string> {
    if (this.cookies.size === 0) return {}
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') }
  }
}
