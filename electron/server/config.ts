import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { parseArgs } from 'node:util'
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
  /** The first admin's password on first start (GREENLINE_ADMIN_PASSWORD), with GREENLINE_ADMIN_USER. */
  firstAdmin?: { userId: string; password: string }
}

export class ConfigError extends Error {}

/**
 * The engine runs on SQLite only for now (README "Scaling out (PostgreSQL) — in progress"): a
 * server started with GREENLINE_DATABASE_URL refuses, rather than quietly keeping its data in
 * SQLite where the other instances never see it.
 */
export const POSTGRES_NOT_YET =
  'GREENLINE_DATABASE_URL is set, but the Greenline server cannot run on PostgreSQL yet: only `npm run server -- migrate` uses it so far. ' +
  'Unset GREENLINE_DATABASE_URL to run on SQLite in the data directory (--data-dir).'

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
  if (env.GREENLINE_DATABASE_URL) throw new ConfigError(POSTGRES_NOT_YET)
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

  return {
    bind,
    port,
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
