import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Engine } from '../core/engine'
import { createLogger } from '../core/platform/logger'
import { engineText, englishOf } from '../shared/api/engine-text'
import { pickLocale, type ShippedLocale } from '../shared/locale-choice'
import { nativeText, type NativeTextKey } from '../shared/native-texts'
import type { Credentials } from './auth/credentials'
import { PKCE_CHALLENGE, createDeviceCodes, isLoopbackRedirect } from './auth/device-codes'

const log = createLogger('server')

/** Where the desktop app sends the browser, and where the browser comes back to (README "Connect…"). */
export const DEVICE_AUTHORIZE_PATH = '/auth/device/authorize'
export const DEVICE_TOKEN_PATH = '/auth/device/token'

const authorizeParams = z.object({
  response_type: z.literal('code'),
  client_id: z.literal('greenline-desktop'),
  redirect_uri: z.string().max(300).refine(isLoopbackRedirect),
  code_challenge: z.string().regex(PKCE_CHALLENGE),
  code_challenge_method: z.literal('S256'),
  state: z.string().min(16).max(200),
  device_name: z.string().trim().min(1).max(100).default('Greenline desktop'),
})
type AuthorizeParams = z.infer<typeof authorizeParams>

const tokenBody = z.object({
  grant_type: z.literal('authorization_code').optional(),
  code: z.string().min(1).max(200),
  code_verifier: z.string().min(1).max(200),
  redirect_uri: z.string().min(1).max(300),
})

export interface DeviceAuthOptions {
  engine: Engine
  credentials: Credentials
  now: () => number
  sameOrigin: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/**
 * The browser's language for this page (Accept-Language, most wanted first), chosen the way the
 * app's window chooses from the system's languages.
 */
export function pageLocale(acceptLanguage: string | undefined): ShippedLocale {
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...options] = part.trim().split(';')
      const q = Number(
        options
          .find((o) => o.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? 1,
      )
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, index }
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  return pickLocale(wanted.map((entry) => entry.tag))
}

/** A text of the page in its language, HTML-escaped, each {value} escaped and in bold. */
function pageText(locale: ShippedLocale, key: NativeTextKey, values: Record<string, string> = {}): string {
  return escapeHtml(nativeText(locale, key)).replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] === undefined ? whole : `<strong>${escapeHtml(values[name])}</strong>`,
  )
}

function page(reply: FastifyReply, locale: ShippedLocale, status: number, body: string, formTarget?: string): FastifyReply {
  // The approval form's answer redirects to the app's loopback address: form-action must allow it.
  const formAction = formTarget ? `'self' ${formTarget}` : "'self'"
  return reply
    .code(status)
    .header(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    )
    .header('Cache-Control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>Greenline</title><style>body{font:16px system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;color:#1b2b22}` +
        `main{max-width:420px;padding:24px;border:1px solid #cfd8d2;border-radius:10px}button{font:inherit;padding:8px 16px;margin-right:8px}` +
        `.allow{background:#146c43;color:#fff;border:0;border-radius:6px}</style></head><body><main><h1>Greenline</h1>${body}</main></body></html>`,
    )
}

/** Back to the app with the OAuth answer in the query (RFC 6749 §4.1.2). */
function backToApp(reply: FastifyReply, params: AuthorizeParams, answer: Record<string, string>): FastifyReply {
  const target = new URL(params.redirect_uri)
  for (const [key, value] of Object.entries({ ...answer, state: params.state })) target.searchParams.set(key, value)
  return reply.redirect(target.href, 303)
}

/**
 * Sign-in for the desktop app (OAuth 2.0 for native apps, RFC 8252): the app opens
 * `/auth/device/authorize` in the system browser with a PKCE challenge and its loopback redirect;
 * the person signs in there as usual (password or single sign-on) and approves this computer; the
 * browser is sent back to the app with a one-time code, which the app exchanges, with its PKCE
 * verifier, for a personal access token named after the computer. Nothing is approved silently:
 * another program on the machine could open the same address.
 */
export async function registerDeviceAuthRoutes(app: FastifyInstance, options: DeviceAuthOptions): Promise<void> {
  const { engine, credentials, sameOrigin } = options
  const codes = createDeviceCodes(options.now)
  const limit = { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }

  // Its own scope: the approval form posts urlencoded, which no other route should accept.
  await app.register((scope, _options, done) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    })

    const browserUser = (request: FastifyRequest) => {
      const identity = request.caller?.identity
      return identity?.kind === 'session' ? identity : undefined
    }

    scope.get(DEVICE_AUTHORIZE_PATH, limit, async (request, reply) => {
      const url = new URL(request.url, 'http://server')
      const parsed = authorizeParams.safeParse(Object.fromEntries(url.searchParams))
      // Never redirect to an address that was not checked: a bad request is answered here.
      const locale = pageLocale(request.headers['accept-language'])
      if (!parsed.success) return page(reply, locale, 400, `<p>${pageText(locale, 'devicePage.invalidLink')}</p>`)
      const identity = browserUser(request)
      if (!identity) return reply.redirect(`/?next=${encodeURIComponent(url.pathname + url.search)}`, 303)
      const p = parsed.data
      const hidden = Object.entries(p)
        .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
        .join('')
      return page(
        reply,
        locale,
        200,
        `<p>${pageText(locale, 'devicePage.question', { device: p.device_name, name: identity.name })}</p>` +
          `<p>${pageText(locale, 'devicePage.ownToken')}</p>` +
          `<form method="post" action="${DEVICE_AUTHORIZE_PATH}">${hidden}` +
          `<button class="allow" name="decision" value="allow" data-testid="device-allow">${pageText(locale, 'devicePage.allow')}</button>` +
          `<button name="decision" value="deny" data-testid="device-deny">${pageText(locale, 'devicePage.cancel')}</button></form>`,
        new URL(p.redirect_uri).origin,
      )
    })

    scope.post(DEVICE_AUTHORIZE_PATH, { ...limit, preHandler: sameOrigin }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>
      const parsed = authorizeParams.safeParse(body)
      const locale = pageLocale(request.headers['accept-language'])
      if (!parsed.success) return page(reply, locale, 400, `<p>${pageText(locale, 'devicePage.invalidLink')}</p>`)
      const identity = browserUser(request)
      if (!identity) return page(reply, locale, 401, `<p>${pageText(locale, 'devicePage.sessionEnded')}</p>`)
      if (body.decision !== 'allow') return backToApp(reply, parsed.data, { error: 'access_denied' })
      const code = codes.issue({
        userId: identity.userId,
        challenge: parsed.data.code_challenge,
        redirectUri: parsed.data.redirect_uri,
        deviceName: parsed.data.device_name,
      })
      log.info('device approved', { user: identity.userId })
      return backToApp(reply, parsed.data, { code })
    })
    done()
  })

  app.post(DEVICE_TOKEN_PATH, limit, async (request, reply) => {
    const body = tokenBody.safeParse(request.body)
    if (!body.success) return reply.code(400).send({ error: 'invalid_request', message: 'Send { code, code_verifier, redirect_uri }' })
    const approved = codes.redeem(body.data.code, body.data.code_verifier, body.data.redirect_uri)
    const account = approved ? await engine.store.accounts.getAccount(approved.userId) : undefined
    if (!approved || !account || !account.active) {
      log.warn('device code refused')
      const text = engineText('auth.deviceSignInExpired')
      return reply.code(400).send({ error: 'invalid_grant', message: englishOf(text), text })
    }
    const { id, secret } = await credentials.createToken(account.user_id, approved.deviceName)
    log.info('device signed in', { user: account.user_id })
    return reply.code(200).send({ id, token: secret, user: { id: account.user_id, name: account.name } })
  })
}
