import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Engine } from '../core/engine'
import { createLogger } from '../core/platform/logger'
import { type EngineText, engineText, englishOf } from '../shared/api/engine-text'
import { AttemptLimiter } from './auth/attempts'
import { PasswordRejected, type Credentials } from './auth/credentials'
import { SSO_COOKIE, createSsoRoutes } from './auth/sso'
import { DEVICE_AUTHORIZE_PATH } from './device-auth-routes'
import type { ServerConfig } from './config'

const log = createLogger('server')

/** A refusal's body: the English (API clients, older windows) and the code and values a window translates. */
const refusal = (text: EngineText) => ({ message: englishOf(text), text })
const SSO_NEXT_COOKIE = 'greenline_sso_next'

const passwordBody = z.object({ userId: z.string().min(1).max(200), password: z.string().min(1).max(1024) })
const inviteBody = z.object({ token: z.string().min(1).max(200), password: z.string().max(1024) })
const tokenBody = z.object({ name: z.string().trim().min(1).max(100) })

export interface AuthRouteOptions {
  config: ServerConfig
  engine: Engine
  credentials: Credentials
  sessionCookie: string
  secure: boolean
  now: () => number
  requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
  sameOrigin: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
}

/**
 * The team server's sign-in surface: password (rate-limited per account and per address),
 * invitation acceptance, sign-out (here or everywhere), single sign-on (OpenID Connect, code flow
 * with PKCE) and personal access tokens. Sessions live server-side; the cookie holds its secret.
 */
export function registerAuthRoutes(app: FastifyInstance, options: AuthRouteOptions): void {
  const { config, engine, credentials, sessionCookie, secure, requireUser, sameOrigin } = options
  const signInCookie = (reply: FastifyReply, secret: string) =>
    reply.setCookie(sessionCookie, secret, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure,
      maxAge: Math.floor(config.sessions.absoluteMs / 1000),
    })

  // -- sign-in ------------------------------------------------------------------------------
  const attemptsPerAccount = new AttemptLimiter(options.now, { max: 5, windowMs: 15 * 60_000 })
  const attemptsPerAddress = new AttemptLimiter(options.now, { max: 20, windowMs: 15 * 60_000 })
  const authLimit = { config: { rateLimit: { max: 60, timeWindow: '1 minute' } } }

  app.get('/auth/config', (_request, reply) =>
    reply.send({ mode: config.demo ? 'demo' : 'team', password: true, sso: config.oidc ? { label: config.oidc.label } : null }),
  )

  app.get('/auth/me', { preHandler: requireUser }, (request, reply) => {
    const identity = request.caller!.identity!
    return reply.send({ user: { id: identity.userId, name: identity.name }, role: identity.role })
  })

  app.post('/auth/password', { ...authLimit, preHandler: sameOrigin }, async (request, reply) => {
    const body = passwordBody.safeParse(request.body)
    if (!body.success) return reply.code(400).send({ message: 'Send { "userId": "…", "password": "…" }' })
    const account = `account:${body.data.userId.toLowerCase()}`
    const address = `address:${request.ip}`
    const wait = Math.max(attemptsPerAccount.retryAfterMs(account), attemptsPerAddress.retryAfterMs(address))
    if (wait > 0) {
      return reply
        .code(429)
        .header('Retry-After', String(Math.ceil(wait / 1000)))
        .send(refusal(engineText('auth.tooManyAttempts')))
    }
    if (!(await credentials.checkPassword(body.data.userId, body.data.password))) {
      attemptsPerAccount.fail(account)
      attemptsPerAddress.fail(address)
      log.warn('sign-in refused', { method: 'password' })
      return reply.code(401).send(refusal(engineText('auth.mismatch')))
    }
    attemptsPerAccount.succeed(account)
    signInCookie(reply, (await credentials.startSession(body.data.userId)).secret)
    log.info('signed in', { user: body.data.userId, method: 'password' })
    return reply.code(204).send()
  })

  app.post('/auth/invite/accept', { ...authLimit, preHandler: sameOrigin }, async (request, reply) => {
    const body = inviteBody.safeParse(request.body)
    if (!body.success) return reply.code(400).send({ message: 'Send { "token": "…", "password": "…" }' })
    try {
      const userId = await credentials.acceptInvite(body.data.token, body.data.password)
      if (!userId) return reply.code(410).send(refusal(engineText('auth.inviteExpired')))
      signInCookie(reply, (await credentials.startSession(userId)).secret)
      log.info('invitation accepted', { user: userId })
      return reply.code(204).send()
    } catch (error) {
      if (error instanceof PasswordRejected) return reply.code(400).send(refusal(error.text))
      throw error
    }
  })

  app.post('/auth/logout', { preHandler: sameOrigin }, async (request, reply) => {
    const identity = request.caller?.identity
    if (identity) {
      const everywhere = (request.query as { everywhere?: string }).everywhere === '1'
      if (everywhere) await credentials.revokeAllOf(identity.userId, 'session')
      else await credentials.revoke(identity.credentialId)
    }
    reply.clearCookie(sessionCookie, { path: '/', secure, httpOnly: true, sameSite: 'lax' })
    return reply.code(204).send()
  })

  // -- single sign-on (OpenID Connect, code flow with PKCE) ----------------------------------
  if (config.oidc) {
    const sso = createSsoRoutes(config.oidc, config.publicUrl, options.now)
    // The English for older windows, and the code and values for the window to write in its language.
    const failed = (reply: FastifyReply, text: EngineText) => {
      const query = new URLSearchParams({ signin_error: englishOf(text), signin_error_text: JSON.stringify(text) })
      return reply.redirect(`/?${query.toString()}`, 303)
    }
    app.get('/auth/oidc/start', authLimit, async (request, reply) => {
      try {
        const { url, pendingId } = await sso.start()
        reply.setCookie(SSO_COOKIE, pendingId, { httpOnly: true, sameSite: 'lax', path: '/auth/oidc', secure, maxAge: 600 })
        // A desktop app's approval page waiting for this sign-in: go back there after the callback.
        const next = (request.query as { next?: unknown }).next
        if (typeof next === 'string' && next.startsWith(`${DEVICE_AUTHORIZE_PATH}?`) && next.length < 2000) {
          reply.setCookie(SSO_NEXT_COOKIE, next, { httpOnly: true, sameSite: 'lax', path: '/auth/oidc', secure, maxAge: 600 })
        }
        return reply.redirect(url, 303)
      } catch (error) {
        log.warn('sso start failed', { error: String(error) })
        return failed(reply, engineText('auth.ssoUnreachable'))
      }
    })
    app.get('/auth/oidc/callback', authLimit, async (request, reply) => {
      reply.clearCookie(SSO_COOKIE, { path: '/auth/oidc' })
      const next = request.cookies[SSO_NEXT_COOKIE]
      if (next) reply.clearCookie(SSO_NEXT_COOKIE, { path: '/auth/oidc' })
      const result = await sso.finish(new URL(request.url, config.publicUrl), request.cookies[SSO_COOKIE])
      if (!result.ok) {
        log.warn('sso refused', { reason: result.reason })
        return failed(reply, result.text)
      }
      // The claim names the org user (their user ID is their e-mail, by default); an admin must have added them.
      const account = await engine.store.accounts.getAccount(result.claimValue)
      if (!account || !account.active) {
        log.warn('sso refused', { reason: 'no active account' })
        return failed(reply, engineText('auth.noAccess'))
      }
      signInCookie(reply, (await credentials.startSession(account.user_id)).secret)
      log.info('signed in', { user: account.user_id, method: 'sso' })
      return reply.redirect(next?.startsWith(`${DEVICE_AUTHORIZE_PATH}?`) ? next : '/', 303)
    })
  }

  // -- personal access tokens ---------------------------------------------------------------
  app.post('/auth/tokens', { preHandler: [sameOrigin, requireUser] }, async (request, reply) => {
    const body = tokenBody.safeParse(request.body)
    if (!body.success) return reply.code(400).send({ message: 'Give the token a name of up to 100 characters (what it is for).' })
    const { id, secret } = await credentials.createToken(request.caller!.identity!.userId, body.data.name)
    return reply.code(201).send({ id, token: secret })
  })

  app.delete('/auth/tokens/:id', { preHandler: [sameOrigin, requireUser] }, async (request, reply) => {
    const identity = request.caller!.identity!
    const token = await credentials.getCredential((request.params as { id: string }).id)
    // Someone else's token answers as if it did not exist, unless an admin asks.
    if (!token || token.kind !== 'token' || token.revoked_at !== null || (token.user_id !== identity.userId && identity.role !== 'admin')) {
      return reply.code(404).send({ message: 'No such token' })
    }
    await credentials.revoke(token.id)
    return reply.code(204).send()
  })
}
