import { existsSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { join, relative } from 'node:path'
import fastifyCookie from '@fastify/cookie'
import fastifyHelmet from '@fastify/helmet'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { WebSocketServer, type WebSocket } from 'ws'
import { z } from 'zod'
import { conversationsHoldingMedia, getAccount } from '../core/db/repositories/accounts'
import { canRead } from '../core/db/repositories/conversations'
import { getMedia } from '../core/db/repositories/media'
import type { Engine } from '../core/engine'
import { serveApiSocket } from '../core/http/api-socket'
import { BodyTooLarge, send } from '../core/http/http-util'
import { handleWebhookRoutes, type WebhookRoute } from '../core/http/webhook-routes'
import { isValidMediaId } from '../core/media/media-store'
import { createLogger } from '../core/platform/logger'
import { AttemptLimiter } from './auth/attempts'
import { PasswordRejected, type Credentials, type Identity } from './auth/credentials'
import { isLoopback, type ServerConfig } from './config'
import { createDirectoryChannels } from './directory-channels'
import type { ConnectorAdmin } from './secrets/connector-admin'
import type { PolicyAdmin } from './policy-admin'
import { SSO_COOKIE, createSsoRoutes } from './auth/sso'
import { createSyncChannels } from './sync-channels'

const log = createLogger('server')

export interface ServerAppOptions {
  config: ServerConfig
  engine: Engine
  credentials: Credentials
  /** The port actually listened on (the public URL's origin may differ behind a proxy). */
  port: number
  rendererDir: string
  extraRoutes: readonly WebhookRoute[]
  /** Readiness beyond the database: the connector (sandbox reachable, or credentials set). */
  connectorReady: () => Promise<boolean>
  /** What admins paste into Meta's dashboard. */
  webhook: { verifyToken: string; mode: 'sandbox' | 'cloud' }
  connector: ConnectorAdmin
  policy: PolicyAdmin
  now: () => number
}

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | undefined
  }
}

const passwordBody = z.object({ userId: z.string().min(1).max(200), password: z.string().min(1).max(1024) })
const inviteBody = z.object({ token: z.string().min(1).max(200), password: z.string().max(1024) })
const tokenBody = z.object({ name: z.string().trim().min(1).max(100) })

/**
 * The team server's HTTP surface on Fastify: sign-in routes, the API WebSocket, media with an
 * access check, the renderer, health. Webhooks (Meta's, the SMS provider's, the sandbox clock)
 * are answered before Fastify sees the request, by the same code as the browser host, because
 * their signatures are over the raw bytes.
 */
export async function buildServerApp(options: ServerAppOptions): Promise<FastifyInstance> {
  const { config, engine, credentials } = options
  const secure = config.publicUrl.protocol === 'https:'
  const sessionCookie = secure ? '__Host-greenline_session' : 'greenline_session'
  const origins = new Set([config.publicUrl.origin])
  if (isLoopback(config.bind)) for (const host of ['127.0.0.1', 'localhost']) origins.add(`http://${host}:${options.port}`)
  const wsOrigin = config.publicUrl.origin.replace(/^http/, 'ws')

  const app = Fastify({
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    logger: false,
    // On close, idle keep-alive connections end at once; requests in flight finish first.
    forceCloseConnections: 'idle',
    serverFactory: (handler) => {
      const route = (request: IncomingMessage, response: ServerResponse) => {
        const url = new URL(request.url ?? '/', config.publicUrl)
        handleWebhookRoutes(engine, request, response, url, { extraRoutes: options.extraRoutes })
          .then((handled) => {
            if (!handled) handler(request, response)
          })
          .catch((error: unknown) => {
            if (error instanceof BodyTooLarge) return send(response, 413, 'Payload too large')
            log.error('webhook failed', { error: String(error) })
            if (!response.headersSent) send(response, 500, 'Internal error')
          })
      }
      return config.tls ? createHttpsServer({ cert: config.tls.cert, key: config.tls.key }, route) : createHttpServer(route)
    },
  })

  await app.register(fastifyCookie)
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'blob:', 'data:'],
        mediaSrc: ["'self'", 'blob:', 'mediastream:'],
        connectSrc: ["'self'", wsOrigin],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    strictTransportSecurity: secure ? { maxAge: 31536000 } : false,
    referrerPolicy: { policy: 'no-referrer' },
  })
  await app.register(fastifyRateLimit, { global: false })

  app.decorateRequest('identity', undefined)
  app.addHook('onRequest', (request, _reply, done) => {
    request.identity = credentials.resolve(bearer(request.headers.authorization) ?? request.cookies[sessionCookie])
    done()
  })
  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern, never the URL: an invitation's token travels in its query.
    log.info('request', {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    })
  })

  const requireUser = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.identity) return reply.code(401).send({ message: 'Sign in first' })
  }
  // A signed-in browser sends its cookie with any cross-site POST; a foreign Origin is refused.
  const sameOrigin = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin
    if (origin !== undefined && !origins.has(origin)) return reply.code(403).send({ message: 'Forbidden origin' })
  }
  const signInCookie = (reply: FastifyReply, secret: string) =>
    reply.setCookie(sessionCookie, secret, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure,
      maxAge: Math.floor(config.sessions.absoluteMs / 1000),
    })

  // -- health -------------------------------------------------------------------------------
  app.get('/readyz', async (_request, reply) => {
    const database = (() => {
      try {
        return engine.db.open && engine.db.prepare('SELECT 1').pluck().get() === 1
      } catch {
        return false
      }
    })()
    const connector = await options.connectorReady().catch(() => false)
    return reply.code(database && connector ? 200 : 503).send({ ready: database && connector, database, connector })
  })

  // -- sign-in ------------------------------------------------------------------------------
  const attemptsPerAccount = new AttemptLimiter(options.now, { max: 5, windowMs: 15 * 60_000 })
  const attemptsPerAddress = new AttemptLimiter(options.now, { max: 20, windowMs: 15 * 60_000 })
  const authLimit = { config: { rateLimit: { max: 60, timeWindow: '1 minute' } } }

  app.get('/auth/config', (_request, reply) =>
    reply.send({ mode: config.demo ? 'demo' : 'team', password: true, sso: config.oidc ? { label: config.oidc.label } : null }),
  )

  app.get('/auth/me', { preHandler: requireUser }, (request, reply) => {
    const identity = request.identity!
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
        .send({ message: 'Too many sign-in attempts. Wait a few minutes, then try again.' })
    }
    if (!(await credentials.checkPassword(body.data.userId, body.data.password))) {
      attemptsPerAccount.fail(account)
      attemptsPerAddress.fail(address)
      log.warn('sign-in refused', { method: 'password' })
      return reply.code(401).send({ message: "That user ID and password don't match." })
    }
    attemptsPerAccount.succeed(account)
    signInCookie(reply, credentials.startSession(body.data.userId).secret)
    log.info('signed in', { user: body.data.userId, method: 'password' })
    return reply.code(204).send()
  })

  app.post('/auth/invite/accept', { ...authLimit, preHandler: sameOrigin }, async (request, reply) => {
    const body = inviteBody.safeParse(request.body)
    if (!body.success) return reply.code(400).send({ message: 'Send { "token": "…", "password": "…" }' })
    try {
      const userId = await credentials.acceptInvite(body.data.token, body.data.password)
      if (!userId) return reply.code(410).send({ message: 'This invitation has expired or was already used.' })
      signInCookie(reply, credentials.startSession(userId).secret)
      log.info('invitation accepted', { user: userId })
      return reply.code(204).send()
    } catch (error) {
      if (error instanceof PasswordRejected) return reply.code(400).send({ message: error.message })
      throw error
    }
  })

  app.post('/auth/logout', { preHandler: sameOrigin }, async (request, reply) => {
    const identity = request.identity
    if (identity) {
      const everywhere = (request.query as { everywhere?: string }).everywhere === '1'
      if (everywhere) credentials.revokeAllOf(identity.userId, 'session')
      else credentials.revoke(identity.credentialId)
    }
    reply.clearCookie(sessionCookie, { path: '/', secure, httpOnly: true, sameSite: 'lax' })
    return reply.code(204).send()
  })

  // -- single sign-on (OpenID Connect, code flow with PKCE) ----------------------------------
  if (config.oidc) {
    const sso = createSsoRoutes(config.oidc, config.publicUrl, options.now)
    const failed = (reply: FastifyReply, message: string) => reply.redirect(`/?signin_error=${encodeURIComponent(message)}`, 303)
    app.get('/auth/oidc/start', authLimit, async (_request, reply) => {
      try {
        const { url, pendingId } = await sso.start()
        reply.setCookie(SSO_COOKIE, pendingId, { httpOnly: true, sameSite: 'lax', path: '/auth/oidc', secure, maxAge: 600 })
        return reply.redirect(url, 303)
      } catch (error) {
        log.warn('sso start failed', { error: String(error) })
        return failed(reply, 'The identity provider cannot be reached right now. Try again, or sign in with a password.')
      }
    })
    app.get('/auth/oidc/callback', authLimit, async (request, reply) => {
      reply.clearCookie(SSO_COOKIE, { path: '/auth/oidc' })
      const result = await sso.finish(new URL(request.url, config.publicUrl), request.cookies[SSO_COOKIE])
      if (!result.ok) {
        log.warn('sso refused', { reason: result.reason })
        return failed(reply, result.message)
      }
      // The claim names the org user (their user ID is their e-mail, by default); an admin must have added them.
      const account = getAccount(engine.db, result.claimValue)
      if (!account || !account.active) {
        log.warn('sso refused', { reason: 'no active account' })
        return failed(reply, 'Your organization has not given you access to Greenline yet. Ask your administrator.')
      }
      signInCookie(reply, credentials.startSession(account.user_id).secret)
      log.info('signed in', { user: account.user_id, method: 'sso' })
      return reply.redirect('/', 303)
    })
  }

  // -- personal access tokens ---------------------------------------------------------------
  app.post('/auth/tokens', { preHandler: [sameOrigin, requireUser] }, async (request, reply) => {
    const body = tokenBody.safeParse(request.body)
    if (!body.success) return reply.code(400).send({ message: 'Give the token a name of up to 100 characters (what it is for).' })
    const { id, secret } = credentials.createToken(request.identity!.userId, body.data.name)
    return reply.code(201).send({ id, token: secret })
  })

  app.delete('/auth/tokens/:id', { preHandler: [sameOrigin, requireUser] }, async (request, reply) => {
    const identity = request.identity!
    const token = credentials.getCredential((request.params as { id: string }).id)
    // Someone else's token answers as if it did not exist, unless an admin asks.
    if (!token || token.kind !== 'token' || token.revoked_at !== null || (token.user_id !== identity.userId && identity.role !== 'admin')) {
      return reply.code(404).send({ message: 'No such token' })
    }
    credentials.revoke(token.id)
    return reply.code(204).send()
  })

  // -- media ------------------------------------------------------------------------------
  const mediaRoot = join(config.dataDir, 'media')
  await app.register(fastifyStatic, { root: mediaRoot, serve: false })
  app.get('/media/:id', { preHandler: requireUser }, async (request, reply) => {
    const id = (request.params as { id: string }).id
    if (!isValidMediaId(id)) return reply.code(400).send({ message: 'Not a media id' })
    const userId = request.identity!.userId
    const row = getMedia(engine.db, id)
    const file = row && engine.media.open(id)
    // Unknown and not-yours answer alike, so ids cannot be probed.
    if (!row || !file || !conversationsHoldingMedia(engine.db, id).some((c) => canRead(engine.db, c, userId))) {
      return reply.code(404).send({ message: 'No such media' })
    }
    // @fastify/send streams it with Range (seeking in a voicemail), ETag and conditional GET.
    return reply
      .header('Content-Type', row.mime_type)
      .header('Cache-Control', 'private, max-age=31536000, immutable')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .header('Content-Disposition', (request.query as { download?: string }).download === '1' ? 'attachment' : 'inline')
      .sendFile(relative(mediaRoot, file.path), mediaRoot, { contentType: false, cacheControl: false })
  })

  // -- the renderer -------------------------------------------------------------------------
  const built = existsSync(join(options.rendererDir, 'index.html'))
  if (built) {
    await app.register(fastifyStatic, {
      root: options.rendererDir,
      wildcard: false,
      decorateReply: false,
      setHeaders: (reply, path) => {
        if (path.endsWith('.html')) void reply.header('Cache-Control', 'no-store')
      },
    })
  }
  app.setNotFoundHandler(async (request, reply) => {
    // The renderer routes in the page (e.g. /invite?token=…): any other GET for a page gets index.html.
    if (request.method !== 'GET' || /^\/(api|auth|media|webhooks)(\/|$)/.test(request.url)) {
      return reply.code(404).send({ message: 'Not found' })
    }
    if (!built) return reply.code(503).type('text/plain').send('The app is not built yet: run `npm run build`.')
    return reply.header('Cache-Control', 'no-store').sendFile('index.html', options.rendererDir)
  })

  // -- the API over WebSocket -----------------------------------------------------------------
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 80 * 1024 * 1024 })
  const byCredential = new Map<string, Set<WebSocket>>()
  const stopRevoked = credentials.onRevoked((ids) => {
    for (const id of ids) for (const ws of byCredential.get(id) ?? []) ws.close(4001, 'Signed out')
  })
  const directory = createDirectoryChannels({
    engine,
    credentials,
    publicUrl: config.publicUrl,
    webhook: options.webhook,
    connector: options.connector,
    policy: options.policy,
  })
  const hostChannels = { ...directory, ...createSyncChannels(engine) }

  app.server.on('upgrade', (request: IncomingMessage, socket, head) => {
    const reject = (status: number, reason: string) =>
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}`)
    const url = new URL(request.url ?? '/', config.publicUrl)
    if (url.pathname !== '/api') return reject(404, 'Not Found')
    const origin = request.headers.origin
    if (origin !== undefined && !origins.has(origin)) return reject(403, 'Forbidden origin')
    const cookies = app.parseCookie(request.headers.cookie ?? '')
    const identity = credentials.resolve(bearer(request.headers.authorization) ?? cookies[sessionCookie])
    if (!identity && !config.demo) return reject(401, 'Unauthorized')
    sockets.handleUpgrade(request, socket, head, (ws) => {
      if (identity) {
        const set = byCredential.get(identity.credentialId) ?? new Set()
        byCredential.set(identity.credentialId, set.add(ws))
        ws.on('close', () => set.delete(ws))
      }
      serveApiSocket(ws, {
        engine,
        ...(identity ? { userId: identity.userId } : {}),
        // Demo mode lets a connection without a session pick who it is; a signed-in one never can.
        allowSignIn: config.demo && !identity,
        hostChannels,
      })
    })
  })

  // preClose, not onClose: the listener's close waits for every TCP connection, upgraded ones too.
  app.addHook('preClose', (done) => {
    stopRevoked()
    // Clients reconnect (to this server restarted, or another instance); nothing waits on them.
    for (const ws of sockets.clients) ws.terminate()
    sockets.close()
    done()
  })
  return app
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return match?.[1]
}
