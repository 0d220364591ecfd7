import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { parseArgs } from 'node:util'
import { isPostgresUrl } from '../core/db/pg/pool'
import { defaultDataDir } from '../core/platform/data-dir'
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from './auth/credentials'

export interface OidcConfig {
  issuer: string
  clientId: string
  clientSecret?: string
  /** The ID-token claim that names an org user (default `email`). */
  claim: string
  /** What the sign-in button says ("Sign in with …"). */
  label: string
}

export interface ServerConfig {
  bind: string
  port: number
  dataDir: string
  /**
   * PostgreSQL instead of SQLite in the data directory (GREENLINE_DATABASE_URL), with the most
   * connections this server opens (GREENLINE_DATABASE_POOL_MAX, default 10).
   */
  database?: { url: string; poolMax: number }
  /** Media on storage every instance reaches (`--media-dir`, GREENLINE_MEDIA_DIR); default `<dataDir>/media`. */
  mediaDir?: string
  /** Where people reach the server, e.g. https://greenline.acme.example; derived from bind/port when unset. */
  publicUrl: URL
  tls?: { cert: Buffer; key: Buffer }
  trustProxy: boolean
  /** "Pick who you are" sign-in: sandbox only, loopback only. */
  demo: boolean
  orgFile?: string
  oidc?: OidcConfig
  sessions: SessionPolicy
  /**
   * How long a send whose outcome is unknown (the connection broke, or its instance died mid-send)
   * waits for WhatsApp's status webhook before it goes again (GREENLINE_RECONCILE_GRACE_SECONDS,
   * default 60): a dead instance's sends wait the request timeout plus this.
   */
  reconcileGraceMs?: number
  /** The first admin's password on first start (GREENLINE_ADMIN_PASSWORD), with GREENLINE_ADMIN_USER. */
  firstAdmin?: { userId: string; password: string }
}

export class ConfigError extends Error {}

export const SERVER_FLAGS = {
  bind: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'media-dir': { type: 'string' },
  'public-url': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  demo: { type: 'boolean' },
  'org-file': { type: 'string' },
} as const

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'))
}

const hours = (value: string | undefined, fallback: number, name: string) => {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number of hours`)
  return n * 3600_000
}

/** Settings from flags, then environment variables, then defaults. Throws ConfigError with the fix. */
export function resolveServerConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServerConfig {
  const { values } = parseArgs({ args: [...argv], options: SERVER_FLAGS, strict: true })
  const bind = values.bind ?? env.GREENLINE_BIND ?? '127.0.0.1'
  const port = Number(values.port ?? env.GREENLINE_PORT ?? 5180)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('--port must be a number from 0 to 65535')
  const certFile = values['tls-cert'] ?? env.GREENLINE_TLS_CERT
  const keyFile = values['tls-key'] ?? env.GREENLINE_TLS_KEY
  if (!!certFile !== !!keyFile) throw new ConfigError('TLS needs both --tls-cert and --tls-key')
  const tls = certFile && keyFile ? { cert: readFileSync(certFile), key: readFileSync(keyFile) } : undefined

  const publicText = values['public-url'] ?? env.GREENLINE_PUBLIC_URL
  let publicUrl: URL
  try {
    publicUrl = new URL(publicText || `${tls ? 'https' : 'http'}://${bind.includes(':') ? `[${bind}]` : bind}:${port}`)
  } catch {
    throw new ConfigError(`GREENLINE_PUBLIC_URL is not a URL: ${publicText}`)
  }
  if (publicUrl.protocol !== 'https:' && publicUrl.protocol !== 'http:') throw new ConfigError('GREENLINE_PUBLIC_URL must be http(s)')
  if (publicUrl.protocol === 'http:' && !isLoopback(publicUrl.hostname)) {
    throw new ConfigError('GREENLINE_PUBLIC_URL must be https:// unless it is a loopback address (cookies and sign-in need TLS)')
  }

  const demo = values.demo ?? env.GREENLINE_DEMO === '1'
  const trustProxy = values['trust-proxy'] ?? env.GREENLINE_TRUST_PROXY === '1'
  const oidc = env.GREENLINE_OIDC_ISSUER
    ? {
        issuer: env.GREENLINE_OIDC_ISSUER,
        clientId: env.GREENLINE_OIDC_CLIENT_ID ?? '',
        ...(env.GREENLINE_OIDC_CLIENT_SECRET ? { clientSecret: env.GREENLINE_OIDC_CLIENT_SECRET } : {}),
        claim: env.GREENLINE_OIDC_CLAIM || 'email',
        label: env.GREENLINE_OIDC_LABEL || 'your organization',
      }
    : undefined
  if (oidc && !oidc.clientId) throw new ConfigError('GREENLINE_OIDC_CLIENT_ID is required with GREENLINE_OIDC_ISSUER')

  const databaseUrl = env.GREENLINE_DATABASE_URL
  if (databaseUrl && !isPostgresUrl(databaseUrl))
    throw new ConfigError('GREENLINE_DATABASE_URL must be a postgres:// (or postgresql://) URL')
  const poolMax = Number(env.GREENLINE_DATABASE_POOL_MAX || 10)
  // Two at least: a request's transaction holds one while the outbox and others need another.
  if (!Number.isInteger(poolMax) || poolMax < 2) throw new ConfigError('GREENLINE_DATABASE_POOL_MAX must be a whole number of 2 or more')

  const grace = env.GREENLINE_RECONCILE_GRACE_SECONDS
  const reconcileGraceMs = grace ? Number(grace) * 1000 : undefined
  if (reconcileGraceMs !== undefined && !(Number.isFinite(reconcileGraceMs) && reconcileGraceMs > 0))
    throw new ConfigError('GREENLINE_RECONCILE_GRACE_SECONDS must be a positive number of seconds')

  return {
    bind,
    port,
    ...(reconcileGraceMs ? { reconcileGraceMs } : {}),
    ...(databaseUrl ? { database: { url: databaseUrl, poolMax } } : {}),
    dataDir: values['data-dir'] ?? env.GREENLINE_DATA_DIR ?? defaultDataDir(),
    ...((values['media-dir'] ?? env.GREENLINE_MEDIA_DIR) ? { mediaDir: values['media-dir'] ?? env.GREENLINE_MEDIA_DIR } : {}),
    publicUrl,
    ...(tls ? { tls } : {}),
    trustProxy,
    demo,
    ...((values['org-file'] ?? env.GREENLINE_ORG_FILE) ? { orgFile: values['org-file'] ?? env.GREENLINE_ORG_FILE } : {}),
    ...(oidc ? { oidc } : {}),
    sessions: {
      idleMs: hours(env.GREENLINE_SESSION_IDLE_HOURS, DEFAULT_SESSION_POLICY.idleMs, 'GREENLINE_SESSION_IDLE_HOURS'),
      absoluteMs: hours(env.GREENLINE_SESSION_MAX_HOURS, DEFAULT_SESSION_POLICY.absoluteMs, 'GREENLINE_SESSION_MAX_HOURS'),
    },
    ...(env.GREENLINE_ADMIN_PASSWORD
      ? { firstAdmin: { userId: env.GREENLINE_ADMIN_USER || 'admin', password: env.GREENLINE_ADMIN_PASSWORD } }
      : {}),
  }
}
