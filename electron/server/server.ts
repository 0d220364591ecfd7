import type { FastifyInstance } from 'fastify'
import type { Store } from '../core/db/store'
import type { Engine, EngineOptions } from '../core/engine'
import { freePort } from '../core/http/http-util'
import { OffsetClock } from '../shared/clock'
import { createLogger } from '../core/platform/logger'
import { resolveWhatsAppConfig, type WhatsAppConfig } from '../core/whatsapp/config'
import type { OrgPolicy } from '../core/org/org-policy'
import { startConnectedEngine } from '../launcher/connected-engine'
import { loadOrgPolicyOrDemo } from '../launcher/demo-org'
import type { SandboxProcess } from '../launcher/sandbox-process'
import { buildServerApp } from './app'
import { checkPasswordRules, createCredentials, type Credentials } from './auth/credentials'
import { ConfigError, isLoopback, type ServerConfig } from './config'
import { lockDataDir } from './data-dir-lock'
import { joinCluster } from './cluster'
import { openServerDatabase } from './database'
import { createConnectorAdmin } from './secrets/connector-admin'
import { createPolicyAdmin, effectivePolicy, readSavedPolicy } from './policy-admin'
import { readConnectorSettings } from './secrets/connector-settings'
import { createSmsAdmin, readSmsSecrets } from './secrets/sms-admin'
import { smsSecrets } from '../core/channels/sms-config'
import { loadSecretKey } from './secrets/secret-key'

const log = createLogger('server')

export interface TeamServer {
  /** Where the server listens (the public URL may be a proxy in front of it). */
  url: string
  port: number
  config: ServerConfig
  engine: Engine
  credentials: Credentials
  app: FastifyInstance
  sandbox?: SandboxProcess
  /** Stops taking requests, drains sends in flight, closes the database, releases the lock. */
  close(): Promise<void>
}

export interface StartServerOptions {
  rendererDir: string
  env?: NodeJS.ProcessEnv
  /** Extra engine options (tests: scheduler timings, clock). */
  engine?: Partial<EngineOptions>
}

/**
 * The Greenline server: one engine (one outbox, one rate limiter, one consent ledger) for the office;
 * on PostgreSQL, one of several instances sharing them through the database.
 */
export async function startServer(config: ServerConfig, options: StartServerOptions): Promise<TeamServer> {
  const env = options.env ?? process.env
  const { policy: filePolicy, raw } = loadOrgPolicyOrDemo(config.orgFile)
  const unlock = await lockDataDir(config.dataDir)
  let closeDatabase = () => Promise.resolve()
  try {
    // What an admin saved (encrypted) is the lowest layer; the org file and GREENLINE_WA_* win over it.
    const key = loadSecretKey(config.dataDir, env)
    const database = await openServerDatabase(config)
    closeDatabase = () => database.close()
    const { saved, savedPolicy, savedSms } = await database.read(async (store) => ({
      saved: await readConnectorSettings(store, key),
      savedPolicy: await readSavedPolicy(store),
      savedSms: await readSmsSecrets(store, key),
    }))
    const policy = effectivePolicy(filePolicy, savedPolicy)
    const whatsapp = resolveWhatsAppConfig({ settings: saved, orgFile: raw, env })
    if (config.demo && (whatsapp.mode !== 'sandbox' || !isLoopback(config.bind))) {
      throw new ConfigError('Demo sign-in ("pick who you are") runs only with the sandbox on a loopback address')
    }
    const port = config.port || (await freePort())
    // On PostgreSQL, other instances may serve the same database: events, outbox lanes and send limits are shared.
    const cluster =
      database.pg &&
      (await joinCluster({
        ...database.pg,
        clock: options.engine?.clock ?? new OffsetClock(),
        phoneNumberId: whatsapp.phoneNumberId || 'default',
      }))
    closeDatabase = async () => {
      await cluster?.stop()
      await database.close()
    }
    const connected = await startConnectedEngine({
      ...(database.store ? { store: database.store } : {}),
      dataDir: config.dataDir,
      policy,
      whatsapp,
      listenerPort: port,
      engine: {
        directory: 'database',
        ...(config.mediaDir ? { mediaDir: config.mediaDir } : {}),
        ...options.engine,
        ...(cluster ? { cluster: cluster.link } : {}),
        scheduler: {
          ...(cluster ? { sharedLimits: cluster.sharedLimits } : {}),
          ...(config.reconcileGraceMs ? { reconcileGraceMs: config.reconcileGraceMs } : {}),
          ...options.engine?.scheduler,
        },
      },
      smsSecrets: smsSecrets(savedSms, env),
      publicUrl: config.publicUrl.origin,
    })
    const { engine } = connected
    await engine.ready.catch(async (error: unknown) => {
      await connected.close()
      throw error
    })
    const now = () => engine.clock.now()
    const credentials = createCredentials(engine.store, now, config.sessions)
    if (config.firstAdmin && (await engine.store.accounts.countAdmins()) === 0)
      await createAdmin(engine.store, credentials, now, config.firstAdmin)

    // What admins see and readiness follow the connector the engine runs now (admins may change it).
    const webhook = { verifyToken: connected.verifyToken, mode: whatsapp.mode }
    const applyConnector = (next: WhatsAppConfig): boolean => {
      // Going back to the sandbox needs its process started: that waits for a restart.
      if (next.mode !== 'cloud' || !policy.whatsapp.enabled) return false
      engine.reconfigure({ whatsapp: next })
      Object.assign(webhook, { verifyToken: next.verifyToken, mode: next.mode })
      log.info('connector applied', { mode: next.mode })
      return true
    }
    const applyPolicy = (next: OrgPolicy): boolean => {
      engine.reconfigure({ org: next })
      log.info('policy applied')
      // WhatsApp switched on or off changes what runs (the client, the sandbox): that waits for a restart.
      return next.whatsapp.enabled === policy.whatsapp.enabled
    }
    const policyAdmin = createPolicyAdmin({ store: engine.store, running: policy, apply: applyPolicy })
    let app: FastifyInstance | undefined
    try {
      app = await buildServerApp({
        config,
        engine,
        credentials,
        port,
        rendererDir: options.rendererDir,
        extraRoutes: connected.routes,
        now,
        webhook,
        policy: policyAdmin,
        sms: createSmsAdmin({
          store: engine.store,
          key,
          policy: policyAdmin,
          env,
          publicUrl: config.publicUrl,
          running: policy.sms.provider,
        }),
        connector: createConnectorAdmin({ store: engine.store, key, orgFile: raw, env, running: whatsapp.mode, apply: applyConnector }),
        connectorReady: async () => {
          if (!connected.sandbox || webhook.mode === 'cloud') return webhook.mode === 'cloud' || !policy.whatsapp.enabled
          const response = await fetch(`${connected.sandbox.url}/`, { signal: AbortSignal.timeout(2000) })
          return response.status < 500
        },
      })
      await app.listen({ host: config.bind, port })
    } catch (error) {
      await app?.close()
      await connected.close()
      throw error
    }
    await engine.start()
    const url = `${config.tls ? 'https' : 'http'}://${config.bind.includes(':') ? `[${config.bind}]` : config.bind}:${port}`
    log.info('listening', { url, publicUrl: config.publicUrl.origin, demo: config.demo, whatsapp: whatsapp.mode })
    let closing: Promise<void> | undefined
    const started = app
    return {
      url,
      port,
      config,
      engine,
      credentials,
      app: started,
      sandbox: connected.sandbox,
      close: () =>
        (closing ??= (async () => {
          await started.close()
          await connected.close()
          await closeDatabase()
          await unlock()
          log.info('stopped')
        })()),
    }
  } catch (error) {
    await closeDatabase()
    await unlock()
    throw error
  }
}

/** Creates (or promotes) an administrator with a password; `npm run server -- admin create`. */
export async function createAdmin(
  store: Store,
  credentials: Credentials,
  now: () => number,
  input: { userId: string; name?: string; password: string },
): Promise<void> {
  checkPasswordRules(input.password)
  const name = input.name ?? (await store.orgUsers.getOrgUser(input.userId))?.name ?? input.userId
  await store.accounts.upsertAccount({ userId: input.userId, name, role: 'admin', now: now() })
  await credentials.setPassword(input.userId, input.password)
  log.info('administrator set', { user: input.userId })
}
