import { randomBytes } from 'node:crypto'
import type { OidcConfig } from '../config'
import { isLoopback } from '../config'
import { type EngineText, engineText } from '../../shared/api/engine-text'
import { OidcError, PENDING_TTL_MS, createOidcClient, type OidcClient, type OidcPending } from './oidc'

export const SSO_COOKIE = 'greenline_sso'

/**
 * The server's side of single sign-on: the provider is discovered on first use (a provider that is
 * down at start does not stop the server), and each sign-in's PKCE verifier, state and nonce stay
 * in this process, keyed by a random id in a short-lived cookie (never in the browser itself).
 */
export function createSsoRoutes(config: OidcConfig, publicUrl: URL, now: () => number) {
  let client: Promise<OidcClient> | undefined
  const pending = new Map<string, OidcPending>()
  const getClient = () =>
    (client ??= createOidcClient(
      {
        issuer: config.issuer,
        clientId: config.clientId,
        ...(config.clientSecret ? { clientSecret: config.clientSecret } : {}),
        redirectUri: new URL('/auth/oidc/callback', publicUrl).href,
        claim: config.claim,
      },
      // Plain HTTP only for a provider on this machine (tests, a local Keycloak).
      { allowInsecureHttp: isLoopback(new URL(config.issuer).hostname) },
    ).catch((error: unknown) => {
      client = undefined
      throw error
    }))

  const sweep = () => {
    for (const [id, p] of pending) if (now() - p.createdAt > PENDING_TTL_MS) pending.delete(id)
  }

  return {
    async start(): Promise<{ url: string; pendingId: string }> {
      const { url, pending: started } = await (await getClient()).start()
      sweep()
      const pendingId = randomBytes(24).toString('base64url')
      pending.set(pendingId, { ...started, createdAt: now() })
      return { url, pendingId }
    },

    async finish(
      callbackUrl: URL,
      pendingId: string | undefined,
    ): Promise<{ ok: true; claimValue: string } | { ok: false; reason: string; text: EngineText }> {
      const started = pendingId ? pending.get(pendingId) : undefined
      if (pendingId) pending.delete(pendingId)
      if (!started) return { ok: false, reason: 'no pending sign-in', text: engineText('auth.ssoNotStartedHere') }
      try {
        const { claimValue } = await (await getClient()).finish(callbackUrl, started, now())
        return { ok: true, claimValue }
      } catch (error) {
        if (error instanceof OidcError) return { ok: false, reason: error.message, text: error.text }
        return { ok: false, reason: String(error), text: engineText('auth.ssoIncomplete') }
      }
    },
  }
}
