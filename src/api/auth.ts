/**
 * The team server's sign-in routes (`/auth/*`), over plain HTTP with the session cookie. Like
 * client.ts this is transport only: it turns status codes into typed results and leaves the words
 * people read to the screens. The single-user browser host and the desktop app have none of these
 * routes; `authConfig` is how the renderer tells the hosts apart.
 */
import { engineMessage } from './error-text'
import { t } from '../i18n'

export interface AuthConfig {
  /** "demo": anyone may pick who they are (a shared demo server); "team": real accounts. */
  mode: 'team' | 'demo'
  password: boolean
  sso: { label: string } | null
}

export type Role = 'admin' | 'member'

export interface Me {
  user: { id: string; name: string }
  role: Role
}

export type PasswordSignIn =
  | { ok: true }
  | { ok: false; reason: 'mismatch' }
  /** `retryAfterSeconds` is undefined when the server gave no usable Retry-After. */
  | { ok: false; reason: 'rate-limited'; retryAfterSeconds: number | undefined }
  | { ok: false; reason: 'unavailable' }

export type InviteAcceptance =
  | { ok: true }
  | { ok: false; reason: 'expired' }
  /** The server's own sentence (a password it refuses, a malformed token). */
  | { ok: false; reason: 'rejected'; message: string }
  | { ok: false; reason: 'unavailable' }

/** Thrown when the server answered in a way sign-in cannot go on from (5xx, no connection). */
export class AuthUnavailableError extends Error {
  constructor() {
    super(t('teamSignIn.failed'))
  }
}

export const SSO_START_PATH = '/auth/oidc/start'
/** The desktop app's sign-in approval page (the team server's; README "Connect to your office's Greenline server"). */
export const DEVICE_AUTHORIZE_PATH = '/auth/device/authorize'

// The session cookie is first-party; say so explicitly rather than rely on fetch's default.
const CREDENTIALS: RequestCredentials = 'same-origin'

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(path, { credentials: CREDENTIALS, ...init, headers: { Accept: 'application/json', ...init.headers } })
  } catch {
    throw new AuthUnavailableError()
  }
}

function postJson(path: string, body: unknown): Promise<Response> {
  return request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
}

async function jsonOf(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown
  } catch {
    return undefined
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function asConfig(value: unknown): AuthConfig | undefined {
  if (!isRecord(value) || (value.mode !== 'team' && value.mode !== 'demo') || typeof value.password !== 'boolean') return undefined
  const sso = value.sso
  if (sso !== null && !(isRecord(sso) && typeof sso.label === 'string')) return undefined
  return { mode: value.mode, password: value.password, sso: sso === null ? null : { label: sso.label as string } }
}

function asMe(value: unknown): Me | undefined {
  if (!isRecord(value) || !isRecord(value.user) || (value.role !== 'admin' && value.role !== 'member')) return undefined
  const { id, name } = value.user
  if (typeof id !== 'string' || typeof name !== 'string') return undefined
  return { user: { id, name }, role: value.role }
}

/**
 * The team server's sign-in options, or undefined on a host without them. The single-user host
 * answers 401 or 404 to this path — or, once its token cookie is set, serves index.html with 200 —
 * so only a 200 carrying the expected JSON counts as a team server.
 */
export async function authConfig(): Promise<AuthConfig | undefined> {
  let response: Response
  try {
    response = await fetch('/auth/config', { credentials: CREDENTIALS, headers: { Accept: 'application/json' } })
  } catch {
    // No answer at all: the host is down or this is not an HTTP origin. The single-user path
    // then says "Cannot reach Greenline" in its own words.
    return undefined
  }
  if (response.status >= 500) throw new AuthUnavailableError()
  if (!response.ok || !(response.headers.get('Content-Type') ?? '').includes('application/json')) return undefined
  return asConfig(await jsonOf(response))
}

/** Who the session cookie belongs to, or undefined when nobody is signed in (401). */
export async function currentUser(): Promise<Me | undefined> {
  const response = await request('/auth/me')
  if (response.status === 401) return undefined
  const me = response.ok ? asMe(await jsonOf(response)) : undefined
  if (!me) throw new AuthUnavailableError()
  return me
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined
  if (/^\d+$/.test(header.trim())) return Number(header.trim())
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000))
}

export async function signInWithPassword(userId: string, password: string): Promise<PasswordSignIn> {
  let response: Response
  try {
    response = await postJson('/auth/password', { userId, password })
  } catch {
    return { ok: false, reason: 'unavailable' }
  }
  if (response.status === 204 || response.ok) return { ok: true }
  if (response.status === 401) return { ok: false, reason: 'mismatch' }
  if (response.status === 429)
    return { ok: false, reason: 'rate-limited', retryAfterSeconds: retryAfterSeconds(response.headers.get('Retry-After')) }
  return { ok: false, reason: 'unavailable' }
}

export async function acceptInvite(token: string, password: string): Promise<InviteAcceptance> {
  let response: Response
  try {
    response = await postJson('/auth/invite/accept', { token, password })
  } catch {
    return { ok: false, reason: 'unavailable' }
  }
  if (response.ok) return { ok: true }
  if (response.status === 410) return { ok: false, reason: 'expired' }
  if (response.status === 400) {
    const body = await jsonOf(response)
    if (isRecord(body) && typeof body.message === 'string' && body.message.trim())
      return { ok: false, reason: 'rejected', message: engineMessage(body.text) ?? body.message }
  }
  return { ok: false, reason: 'unavailable' }
}

/**
 * Ends this browser's session, or with `everywhere` every session of the user. A 401 means the
 * session was already gone, which is what signing out wanted; anything else unexpected throws.
 */
export async function logout(options: { everywhere?: boolean } = {}): Promise<void> {
  const response = await request(options.everywhere ? '/auth/logout?everywhere=1' : '/auth/logout', { method: 'POST' })
  if (!response.ok && response.status !== 401) throw new AuthUnavailableError()
}

/** Single sign-on is a full-page round trip through the identity provider; `next` is where it ends (the desktop approval page). */
export function startSso(next?: string): void {
  location.assign(next ? `${SSO_START_PATH}?next=${encodeURIComponent(next)}` : SSO_START_PATH)
}

export type TokenCreation =
  /** `token` is the secret itself: the server keeps only its hash, so this is the one time it is seen. */
  | { ok: true; id: string; token: string }
  /** The server refused the name (400); its sentence is for developers, so the screen says its own. */
  | { ok: false; reason: 'rejected' }
  | { ok: false; reason: 'unavailable' }

export type TokenRevocation = { ok: true } | { ok: false; reason: 'missing' } | { ok: false; reason: 'unavailable' }

function asCreatedToken(value: unknown): { id: string; token: string } | undefined {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.token !== 'string' || !value.token) return undefined
  return { id: value.id, token: value.token }
}

/** Creates a personal access token of the signed-in user, named for what it is for. */
export async function createToken(name: string): Promise<TokenCreation> {
  let response: Response
  try {
    response = await postJson('/auth/tokens', { name })
  } catch {
    return { ok: false, reason: 'unavailable' }
  }
  if (response.status === 400) return { ok: false, reason: 'rejected' }
  const created = response.ok ? asCreatedToken(await jsonOf(response)) : undefined
  return created ? { ok: true, ...created } : { ok: false, reason: 'unavailable' }
}

/** Revokes a token: one's own, or (for an admin) anyone's. 404: gone already, or not one's to revoke. */
export async function revokeToken(id: string): Promise<TokenRevocation> {
  let response: Response
  try {
    response = await request(`/auth/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' })
  } catch {
    return { ok: false, reason: 'unavailable' }
  }
  if (response.ok) return { ok: true }
  if (response.status === 404) return { ok: false, reason: 'missing' }
  return { ok: false, reason: 'unavailable' }
}
