// Single sign-on for the team server: the OpenID Connect authorization code flow with PKCE, as a
// plain module (no HTTP framework) so the server's routes stay thin and the flow is testable
// against a real provider. The caller owns where `pending` lives (server-side or a signed,
// HttpOnly cookie); this module only checks it.
import { timingSafeEqual } from 'node:crypto'
import * as client from 'openid-client'
import { type EngineText, engineText, englishOf } from '../../shared/api/engine-text'

export interface OidcSettings {
  issuer: string
  clientId: string
  clientSecret?: string
  redirectUri: string
  /** The ID token (or userinfo) claim that names the user; default 'email'. */
  claim?: string
  /** Default 'openid email profile'. */
  scope?: string
}

export interface OidcPending {
  state: string
  nonce: string
  codeVerifier: string
  createdAt: number
}

export interface OidcClient {
  /** Builds the provider's authorization URL; the caller keeps `pending` server-side or in a signed, HttpOnly cookie. */
  start(): Promise<{ url: string; pending: OidcPending }>
  /**
   * Completes the callback (`currentUrl` is the full callback URL with ?code&state). Returns the
   * mapped claim's value (lower-cased and trimmed) or throws OidcError with a message fit for the user.
   */
  finish(currentUrl: URL, pending: OidcPending, now?: number): Promise<{ subject: string; claimValue: string }>
}

/** Every way a sign-in can fail; the message is meant to be shown (it names no secret). */
/** Why a sign-in failed, in English (logs) and as `text` (a code and values the window translates). */
export class OidcError extends Error {
  override name = 'OidcError'
  constructor(
    readonly text: EngineText,
    options?: ErrorOptions,
  ) {
    super(englishOf(text), options)
  }
}

/** A sign-in left at the provider longer than this is refused: a stale `pending` is more likely replayed than slow. */
export const PENDING_TTL_MS = 10 * 60 * 1000
// A pending dated in the future means a clock jump or a forged cookie; allow a little skew only.
const FUTURE_SKEW_MS = 60 * 1000

export async function createOidcClient(settings: OidcSettings, options: { allowInsecureHttp?: boolean } = {}): Promise<OidcClient> {
  const claim = settings.claim ?? 'email'
  const scope = settings.scope ?? 'openid email profile'
  const redirectUri = parseUrl(settings.redirectUri, 'redirectUri')
  const issuer = parseUrl(settings.issuer, 'issuer')

  // Public clients (no secret) must not send client_secret_basic with an empty secret; PKCE is
  // what binds the code to this client then.
  const auth = settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None()
  let config: client.Configuration
  try {
    config = await client.discovery(issuer, settings.clientId, undefined, auth, {
      // Only tests (a provider on loopback) may speak plain HTTP; production issuers are HTTPS.
      execute: options.allowInsecureHttp ? [client.allowInsecureRequests] : [],
    })
  } catch (err) {
    throw new OidcError(engineText('oidc.configUnreadable', { issuer: issuer.href, detail: describe(err) }), { cause: err })
  }

  return {
    async start() {
      const codeVerifier = client.randomPKCECodeVerifier()
      const pending: OidcPending = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier, createdAt: Date.now() }
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri.href,
        scope,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      })
      return { url: url.href, pending }
    },

    async finish(currentUrl, pending, now = Date.now()) {
      const age = now - pending.createdAt
      if (!Number.isFinite(age) || age > PENDING_TTL_MS || age < -FUTURE_SKEW_MS) {
        throw new OidcError(engineText('oidc.tooSlow'))
      }
      const params = currentUrl.searchParams
      // Checked here before openid-client does, so the user sees which of the two went wrong.
      if (!sameString(params.get('state'), pending.state)) {
        throw new OidcError(engineText('oidc.stateMismatch'))
      }
      const providerError = params.get('error')
      if (providerError) throw new OidcError(providerErrorMessage(providerError, params.get('error_description')))

      // The token request's redirect_uri must equal the registered one exactly; behind a proxy the
      // URL the server sees may differ in host or scheme, so only the query is taken from it.
      const callback = new URL(redirectUri.href)
      callback.search = currentUrl.search

      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>
      try {
        tokens = await client.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        })
      } catch (err) {
        if (err instanceof client.ResponseBodyError) {
          // invalid_grant: the code was used already, expired, or the PKCE verifier does not match.
          throw new OidcError(engineText('oidc.rejected', { error: err.error }), { cause: err })
        }
        throw new OidcError(engineText('oidc.unverifiable', { detail: describe(err) }), { cause: err })
      }

      const idClaims = tokens.claims()
      if (!idClaims) throw new OidcError(engineText('oidc.noIdToken'))
      let claims: Record<string, unknown> = idClaims
      // Many providers put profile claims only in userinfo (OIDC Core 5.4 for code flow); ask it
      // when the ID token lacks the mapped claim. fetchUserInfo checks that `sub` matches.
      if (claims[claim] === undefined && config.serverMetadata().userinfo_endpoint) {
        try {
          claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)), ...idClaims }
        } catch (err) {
          throw new OidcError(engineText('oidc.profileUnreadable', { detail: describe(err) }), { cause: err })
        }
      }

      // Some providers send email_verified as the string "false".
      if (claim === 'email' && (claims.email_verified === false || claims.email_verified === 'false')) {
        throw new OidcError(engineText('oidc.emailUnverified'))
      }
      const claimValue = normalise(claims[claim])
      if (!claimValue) throw new OidcError(engineText('oidc.claimMissing', { claim }))
      return { subject: idClaims.sub, claimValue }
    },
  }
}

function providerErrorMessage(error: string, description: string | null): EngineText {
  const detail = description ? `: ${description}` : ''
  if (error === 'access_denied') return engineText('oidc.cancelled', { detail })
  return engineText('oidc.providerRefused', { error, detail })
}

// Claim values are lookup keys (an e-mail, a username), which identity providers treat as
// case-insensitive; a string array (e.g. several e-mails) maps by its first entry.
function normalise(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : value
  if (typeof first !== 'string') return undefined
  return first.trim().toLowerCase() || undefined
}

function sameString(a: string | null, b: string): boolean {
  if (a === null) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function parseUrl(value: string, name: string): URL {
  try {
    return new URL(value)
  } catch {
    throw new Error(`The OpenID Connect ${name} is not a URL: ${value}`)
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  // openid-client wraps the precise reason (e.g. 'unexpected ID Token "nonce" claim value') in `cause`.
  const cause = err.cause instanceof Error && err.cause.message !== err.message ? ` (${err.cause.message})` : ''
  return `${err.message}${cause}`
}
