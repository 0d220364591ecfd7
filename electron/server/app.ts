import { existsSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { join, relative, sep } from 'node:path'
import fastifyCookie from '@fastify/cookie'
import fastifyHelmet from '@fastify/helmet'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Engine } from '../core/engine'
import { BodyTooLarge, send } from '../core/http/http-util'
import { defaultApiSocketLimits, type ApiSocketLimits } from '../core/http/in-flight'
import { handleWebhookRoutes, type WebhookRoute } from '../core/http/webhook-routes'
import { createLogger } from '../core/platform/logger'
import { bearer, sameSecret, type Caller, type Presented } from './access'
import { registerApiSocket } from './api-socket-route'
import { registerAuthRoutes } from './auth-routes'
import { closeConnectionsWithServer } from './close-connections'
import { registerDeviceAuthRoutes } from './device-auth-routes'
import { registerExportRoutes, type ExportRouteOptions } from './export-routes'
import type { Credentials } from './auth/credentials'
import { isLoopback, type ServerConfig } from './config'
import { createDirectoryChannels } from './directory-channels'
import { registerMediaRoutes } from './media-routes'
import type { PolicyAdmin } from './policy-admin'
import type { ConnectorAdmin } from './secrets/connector-admin'
import type { SmsAdmin } from './secrets/sms-admin'
import { createSyncChannels } from './sync-channels'
import { checkReadiness } from './readiness'

const log = createLogger('server')

/** What the browser host and the team server share: the engine, its listener, the renderer. */
export interface AppBase {
  engine: Engine
  /** The port actually listened on (the public URL's origin may differ behind a proxy). */
  port: number
  rendererDir: string
  /** Routes answered on the raw request before Fastify (signed webhooks, the sandbox clock). */
  extraRoutes: readonly WebhookRoute[]
  /** Readiness beyond the database: the connector (sandbox reachable, or credentials set). */
  connectorReady: () => Promise<boolean>
  now: () => number
  /** Socket frame size and in-flight budgets (tests lower them); README "API" has the defaults. */
  limits?: Partial<ApiSocketLimits> & { maxUploadBytes?: number }
}

/** The team server: sign-in, sessions, roles, the admin channels. */
export interface ServerAppOptions extends AppBase {
  config: ServerConfig
  credentials: Credentials
  /** What admins paste into Meta's dashboard. */
  webhook: { verifyToken: string; mode: 'sandbox' | 'cloud' }
  connector: ConnectorAdmin
  policy: PolicyAdmin
  sms: SmsAdmin
}

/** The single-user browser host: loopback only, one token, the demo sign-in on every connection. */
export interface HostAppOptions extends AppBase {
  token: string
}

const TOKEN_COOKIE = 'greenline_token'
const BAD_PATH = /(^|\/|%2f)(\.|%2e){2}(\/|%2f|$)/i

/** How a mode tells who is calling, and what that caller may do, on top of the shared routes. */
interface Mode {
  base: URL
  bind: string
  trustProxy: boolean
  tls?: { cert: Buffer; key: Buffer }
  secure: boolean
  origins: ReadonlySet<string>
  connectSrc: string[]
  /** Who presented these credentials (the database may be asked: a session lives there). */
  identify: (presented: Presented) => Caller | undefined | Promise<Caller | undefined>
  mayReadMedia: (caller: Caller, id: string) => Promise<boolean>
  mayDownloadExport: ExportRouteOptions['mayDownload']
  /** Registers the mode's own hooks and routes (sign-in for the team, the token gate for the host). */
  register: (app: FastifyInstance, guards: Guards) => void | Promise<void>
  socket: {
    openWithoutCaller: boolean
    allowSignIn: (caller: Caller | undefined) => boolean
    userOf: (caller: Caller | undefined, url: URL) => string | undefined
    hostChannels?: Parameters<typeof registerApiSocket>[1]['hostChannels']
    /** Given the socket route once it exists, e.g. to close a revoked credential's sockets. */
    attach?: (route: ReturnType<typeof registerApiSocket>) => () => void
  }
}

interface Guards {
  requireCaller: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
  sameOrigin: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
}

/** The team server's HTTP surface. */
export function buildServerApp(options: ServerAppOptions): Promise<FastifyInstance> {
  const { config, engine, credentials } = options
  const secure = config.publicUrl.protocol === 'https:'
  const sessionCookie = secure ? '__Host-greenline_session' : 'greenline_session'
  const origins = new Set([config.publicUrl.origin])
  if (isLoopback(config.bind)) for (const host of ['127.0.0.1', 'localhost']) origins.add(`http://${host}:${options.port}`)
  const directory = createDirectoryChannels({
    engine,
    credentials,
    publicUrl: config.publicUrl,
    webhook: options.webhook,
    connector: options.connector,
    policy: options.policy,
    sms: options.sms,
  })
  return composeApp(options, {
    base: config.publicUrl,
    bind: config.bind,
    trustProxy: config.trustProxy,
    ...(config.tls ? { tls: config.tls } : {}),
    secure,
    origins,
    connectSrc: [config.publicUrl.origin.replace(/^http/, 'ws')],
    identify: async (p) => {
      const identity = await credentials.resolve(bearer(p.authorization) ?? p.cookies[sessionCookie])
      return identity ? { userId: identity.userId, identity } : undefined
    },
    // Unknown and not-yours answer alike (404), so ids cannot be probed.
    mayReadMedia: async (caller, id) => {
      for (const conversationId of await engine.store.accounts.conversationsHoldingMedia(id))
        if (await engine.store.conversations.canRead(conversationId, caller.userId!)) return true
      return false
    },
    // An org-wide export is for administrators (the role now, not when it ran); any other for whoever ran it.
    mayDownloadExport: (caller, run) => (run.everything ? caller.identity?.role === 'admin' : run.actorId === caller.userId),
    register: async (app, guards) => {
      registerAuthRoutes(app, {
        config,
        engine,
        credentials,
        sessionCookie,
        secure,
        now: options.now,
        requireUser: guards.requireCaller,
        sameOrigin: guards.sameOrigin,
      })
      await registerDeviceAuthRoutes(app, { engine, credentials, now: options.now, sameOrigin: guards.sameOrigin })
    },
    socket: {
      openWithoutCaller: config.demo,
      // Demo mode lets a connection without a session pick who it is; a signed-in one never can.
      allowSignIn: (caller) => config.demo && !caller,
      userOf: (caller) => caller?.userId,
      hostChannels: { ...directory, ...createSyncChannels(engine) },
      attach: (route) => {
        const signOut = (ids: readonly string[]) => {
          for (const id of ids) route.closeCredential(id, 4001, 'Signed out')
        }
        const { cluster } = engine
        const stops = [
          credentials.onRevoked((ids) => {
            signOut(ids)
            cluster?.signal({ kind: 'revoked', credentialIds: [...ids] })
          }),
        ]
        if (cluster) {
          stops.push(
            cluster.onSignal((signal) => signal.kind === 'revoked' && signOut(signal.credentialIds)),
            // Events of other instances may have been missed: clients reconnect and catch up.
            cluster.onGap(() => route.closeAll(1012, 'Catch up')),
          )
        }
        return () => stops.forEach((stop) => stop())
      },
    },
  })
}

/**
 * The browser host's HTTP surface, on loopback. Everything needs the token (query `?token=` once,
 * then an HttpOnly cookie, or a bearer header) except `GET /healthz`, `/readyz` and the webhook
 * routes, which are authenticated by their signatures.
 */
export function buildHostApp(options: HostAppOptions): Promise<FastifyInstance> {
  const { token } = options
  const local = (host: string) => `http://${host}:${options.port}`
  return composeApp(options, {
    base: new URL(local('127.0.0.1')),
    bind: '127.0.0.1',
    trustProxy: false,
    secure: false,
    origins: new Set([local('127.0.0.1'), local('localhost')]),
    connectSrc: ['ws://127.0.0.1:*', 'ws://localhost:*'],
    identify: (p) =>
      sameSecret(p.url.searchParams.get('token') ?? undefined, token) ||
      sameSecret(p.cookies[TOKEN_COOKIE], token) ||
      sameSecret(bearer(p.authorization), token)
        ? {}
        : undefined,
    // The token holder is the host's one user (who may sign in as anyone): every picture is theirs.
    mayReadMedia: () => Promise.resolve(true),
    mayDownloadExport: () => true,
    register: (app) => {
      app.addHook('onRequest', async (request, reply) => {
        if (request.url === '/readyz') return
        if (!request.caller) {
          return reply
            .code(401)
            .type('text/plain; charset=utf-8')
            .send('Greenline needs its access token: open the address printed when it started (…/?token=…).')
        }
        const url = new URL(request.url, 'http://host')
        if (url.searchParams.has('token') && request.method === 'GET' && !url.pathname.startsWith('/media/')) {
          // Trade the token in the address for a cookie, so it does not linger in history or logs.
          return reply.setCookie(TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/' }).redirect(url.pathname, 303)
        }
      })
    },
    socket: {
      openWithoutCaller: false,
      allowSignIn: () => true,
      userOf: (_caller, url) => url.searchParams.get('user') ?? undefined,
    },
  })
}

/** One composition of engine + routes; the mode adds who may call and how they sign in. */
async function composeApp(options: AppBase, mode: Mode): Promise<FastifyInstance> {
  const { engine } = options
  let closeConnections: (() => void) | undefined
  const app = Fastify({
    trustProxy: mode.trustProxy,
    bodyLimit: 64 * 1024,
    logger: false,
    // On close, idle keep-alive connections end at once; requests in flight finish first
    // (closeConnectionsWithServer catches the ones Node's single pass misses).
    forceCloseConnections: 'idle',
    // Webhooks (Meta's, the SMS provider's, the sandbox clock) are answered before Fastify sees
    // the request: their signatures are over the raw bytes. So is /healthz: never stalled.
    serverFactory: (handler) => {
      const route = (request: IncomingMessage, response: ServerResponse) => {
        // URL parsing would quietly resolve "..": a request that tries it is refused outright.
        if (BAD_PATH.test(request.url ?? '')) return send(response, 400, 'Bad path')
        const url = new URL(request.url ?? '/', mode.base)
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
      const server = mode.tls ? createHttpsServer({ cert: mode.tls.cert, key: mode.tls.key }, route) : createHttpServer(route)
      closeConnections = closeConnectionsWithServer(server, mode.tls ? 'secureConnection' : 'connection')
      return server
    },
  })
  app.addHook('preClose', (done) => (closeConnections?.(), done()))

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
        connectSrc: ["'self'", ...mode.connectSrc],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    strictTransportSecurity: mode.secure ? { maxAge: 31536000 } : false,
    referrerPolicy: { policy: 'no-referrer' },
  })
  await app.register(fastifyRateLimit, { global: false })

  app.decorateRequest('caller', undefined)
  app.addHook('onRequest', async (request, reply) => {
    try {
      request.caller = await mode.identify({
        authorization: request.headers.authorization,
        cookies: request.cookies,
        url: new URL(request.url, mode.base),
      })
    } catch (error) {
      // Sessions live in the database: when it cannot be asked, say "come back", never "signed out".
      log.warn('could not identify a request', { error: error instanceof Error ? error.message : String(error) })
      return reply.code(503).header('Retry-After', '5').send({ message: 'The server cannot reach its database; try again in a moment.' })
    }
  })
  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern, never the URL: an invitation's (or the host's) token travels in its query.
    log.info('request', {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    })
  })

  const guards: Guards = {
    requireCaller: async (request, reply) => {
      if (!request.caller) return reply.code(401).send({ message: 'Sign in first' })
    },
    // A signed-in browser sends its cookie with any cross-site POST; a foreign Origin is refused.
    sameOrigin: async (request, reply) => {
      const origin = request.headers.origin
      if (origin !== undefined && !mode.origins.has(origin)) return reply.code(403).send({ message: 'Forbidden origin' })
    },
  }
  await mode.register(app, guards)

  app.get('/readyz', async (_request, reply) => {
    const { status, body } = await checkReadiness({
      database: () => engine.store.ping(),
      connector: options.connectorReady,
    })
    return reply.code(status).send(body)
  })

  await registerMediaRoutes(app, {
    engine,
    mediaRoot: engine.media.rootDir,
    mayRead: mode.mayReadMedia,
    ...guards,
    ...(options.limits?.maxUploadBytes ? { maxUploadBytes: options.limits.maxUploadBytes } : {}),
  })
  registerExportRoutes(app, { engine, mayDownload: mode.mayDownloadExport, requireCaller: guards.requireCaller })
  await registerRenderer(app, options.rendererDir)

  const limits = { ...defaultApiSocketLimits(), ...options.limits }
  const socketRoute = registerApiSocket(app, {
    engine,
    base: mode.base,
    allowedOrigin: (origin) => mode.origins.has(origin),
    identify: mode.identify,
    limits,
    ...mode.socket,
  })
  const detach = mode.socket.attach?.(socketRoute)
  if (detach) app.addHook('preClose', (done) => (detach(), done()))
  return app
}

/**
 * How long a browser may keep a built file. index.html is asked for every time (it names the
 * current build's scripts). Everything under `assets/` is named by its content's hash (Vite's
 * `[name]-[hash]`), so it never changes under its name: kept and never revalidated, a reload does
 * not wait for one round trip to the host per script before the app can start (issue 21). Private:
 * the browser host is token-gated, so no shared cache should keep its files.
 */
export function rendererCacheControl(rendererDir: string, path: string): string | undefined {
  if (path.endsWith('.html')) return 'no-store'
  return relative(rendererDir, path).startsWith(`assets${sep}`) ? 'private, max-age=31536000, immutable' : undefined
}

/** The built renderer; any other page GET gets index.html (the renderer routes, e.g. /invite?token=…). */
async function registerRenderer(app: FastifyInstance, rendererDir: string): Promise<void> {
  const built = existsSync(join(rendererDir, 'index.html'))
  if (built) {
    await app.register(fastifyStatic, {
      root: rendererDir,
      wildcard: false,
      decorateReply: false,
      setHeaders: (reply, path) => {
        const cacheControl = rendererCacheControl(rendererDir, path)
        if (cacheControl) void reply.header('Cache-Control', cacheControl)
      },
    })
  }
  app.setNotFoundHandler(async (request, reply) => {
    if (request.method !== 'GET' || /^\/(api|auth|media|exports|webhooks)(\/|$)/.test(request.url)) {
      return reply.code(404).send({ message: 'Not found' })
    }
    if (!built) return reply.code(503).type('text/plain').send('The app is not built yet: run `npm run build`.')
    return reply.header('Cache-Control', 'no-store').sendFile('index.html', rendererDir, { cacheControl: false })
  })
}
