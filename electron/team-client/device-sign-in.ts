import { ENGINE_TEXTS } from '../shared/api/engine-text'
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { classifyConnectionError, type ConnectionProblem } from './connection-errors'
import { requestJson, type JsonResponse } from './http-json'

/** What a device holds after signing in: its personal access token and whose it is. */
export interface DeviceCredential {
  serverUrl: string
  userId: string
  userName: string
  tokenId: string
  token: string
}

export type SignInProblem =
  Exclude<ConnectionProblem, 'refused-token'> | 'mismatch' | 'rate-limited' | 'denied' | 'expired' | 'cancelled' | 'bad-address'

/** Each way a sign-in can end without a token, in words the Settings screen shows as they are. */
export const SIGN_IN_MESSAGES: Record<SignInProblem, string> = {
  unreachable: ENGINE_TEXTS['teamServer.cantReach'],
  certificate: ENGINE_TEXTS['teamServer.certificateSignIn'],
  'server-error': ENGINE_TEXTS['teamServer.serverErrorSignIn'],
  mismatch: ENGINE_TEXTS['auth.mismatch'],
  'rate-limited': ENGINE_TEXTS['auth.tooManyAttempts'],
  denied: ENGINE_TEXTS['teamServer.denied'],
  expired: ENGINE_TEXTS['teamServer.expired'],
  cancelled: ENGINE_TEXTS['teamServer.cancelled'],
  'bad-address': ENGINE_TEXTS['teamServer.badAddress'],
}

export class SignInError extends Error {
  override name = 'SignInError'
  constructor(readonly problem: SignInProblem) {
    super(SIGN_IN_MESSAGES[problem])
  }
}

/**
 * The server's address as typed, made canonical (`https://host[:port]`, no path). Plain `http:` is
 * accepted for this machine only (tests, a server on the same computer).
 * @throws SignInError('bad-address')
 */
export function normalizeServerUrl(typed: string): string {
  let url: URL
  try {
    url = new URL(/^[a-z]+:\/\//i.test(typed.trim()) ? typed.trim() : `https://${typed.trim()}`)
  } catch {
    throw new SignInError('bad-address')
  }
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]'
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) throw new SignInError('bad-address')
  if (url.username || url.password) throw new SignInError('bad-address')
  return url.origin
}

/** PKCE (RFC 7636): a random verifier the app keeps and its S256 challenge that goes to the browser. */
export function createPkce(random: (size: number) => Buffer = randomBytes): { verifier: string; challenge: string } {
  const verifier = random(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

export interface ServerCall {
  serverUrl: string
  ca?: string | Buffer
  signal?: AbortSignal
}

async function call(options: ServerCall, path: string, init: Parameters<typeof requestJson>[1] = {}): Promise<JsonResponse> {
  try {
    return await requestJson(`${options.serverUrl}${path}`, {
      ...init,
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    })
  } catch (error) {
    if (options.signal?.aborted) throw new SignInError('cancelled')
    const problem = classifyConnectionError(error)
    throw new SignInError(problem === 'refused-token' ? 'unreachable' : problem)
  }
}

function asTokenAnswer(body: unknown): { id: string; token: string } | undefined {
  const value = body as { id?: unknown; token?: unknown } | undefined
  return typeof value?.id === 'string' && typeof value.token === 'string' ? { id: value.id, token: value.token } : undefined
}

export interface BrowserSignInOptions extends ServerCall {
  /** Shown on the approval page and as the token's name ("Greenline on Priya's MacBook"). */
  deviceName: string
  /** Opens the system browser (Electron's `shell.openExternal`). */
  openBrowser: (url: string) => Promise<void> | void
  random?: (size: number) => Buffer
}

const DONE_PAGE = (text: string) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>Greenline</title><body style="font:16px system-ui,sans-serif;padding:40px"><h1>Greenline</h1><p>${text}</p></body></html>`

/**
 * Sign-in in the system browser (RFC 8252): a one-shot listener on 127.0.0.1 at a port the OS
 * picks, the server's approval page opened with a PKCE challenge and a random state, the code
 * that comes back exchanged with the verifier for this device's token. The listener closes
 * whatever happens; `signal` cancels (the person closed the dialog, a timeout).
 * @throws SignInError for each way it can end without a token.
 */
export async function signInWithBrowser(options: BrowserSignInOptions): Promise<DeviceCredential> {
  const random = options.random ?? randomBytes
  const pkce = createPkce(random)
  const state = random(24).toString('base64url')
  let server: Server | undefined
  try {
    const answer = new Promise<URLSearchParams>((resolve, reject) => {
      server = createServer((request, response) => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1')
        // Anything but the callback with our state is some other page of the browser: ignored.
        if (url.pathname !== '/callback' || url.searchParams.get('state') !== state) {
          response.writeHead(404).end()
          return
        }
        const approved = url.searchParams.has('code')
        response
          .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
          .end(
            DONE_PAGE(
              approved
                ? 'You are signed in. You can close this tab and go back to Greenline.'
                : 'Sign-in was cancelled. You can close this tab.',
            ),
          )
        resolve(url.searchParams)
      })
      options.signal?.addEventListener('abort', () => reject(new SignInError('cancelled')), { once: true })
    })
    const port = await new Promise<number>((resolve, reject) => {
      server!.once('error', reject)
      server!.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port))
    })
    const redirectUri = `http://127.0.0.1:${port}/callback`
    const authorize = new URL('/auth/device/authorize', options.serverUrl)
    for (const [key, value] of Object.entries({
      response_type: 'code',
      client_id: 'greenline-desktop',
      redirect_uri: redirectUri,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      state,
      device_name: options.deviceName,
    }))
      authorize.searchParams.set(key, value)
    // Reach the server first: an address or certificate problem is told here, not in the browser.
    await call(options, '/auth/config')
    await options.openBrowser(authorize.href)
    const params = await answer
    const code = params.get('code')
    if (!code) throw new SignInError('denied')
    const exchanged = await call(options, '/auth/device/token', {
      method: 'POST',
      body: { grant_type: 'authorization_code', code, code_verifier: pkce.verifier, redirect_uri: redirectUri },
    })
    const token = asTokenAnswer(exchanged.body)
    const user = (exchanged.body as { user?: { id?: unknown; name?: unknown } } | undefined)?.user
    if (exchanged.status === 400) throw new SignInError('expired')
    if (exchanged.status !== 200 || !token || typeof user?.id !== 'string') throw new SignInError('server-error')
    return {
      serverUrl: options.serverUrl,
      userId: user.id,
      userName: typeof user.name === 'string' ? user.name : user.id,
      tokenId: token.id,
      token: token.token,
    }
  } finally {
    server?.close()
  }
}

export interface PasswordSignInOptions extends ServerCall {
  userId: string
  password: string
  deviceName: string
}

const cookieOf = (response: JsonResponse) =>
  ([] as string[])
    .concat(response.headers['set-cookie'] ?? [])
    .map((cookie) => cookie.split(';')[0])
    .join('; ')

/**
 * The password alternative: the server's own password route gives a session just long enough
 * to make this device's token, then that session is ended. The password is not kept.
 * @throws SignInError
 */
export async function signInWithPassword(options: PasswordSignInOptions): Promise<DeviceCredential> {
  const signedIn = await call(options, '/auth/password', { method: 'POST', body: { userId: options.userId, password: options.password } })
  if (signedIn.status === 401 || signedIn.status === 400) throw new SignInError('mismatch')
  if (signedIn.status === 429) throw new SignInError('rate-limited')
  if (signedIn.status !== 204) throw new SignInError('server-error')
  const cookie = cookieOf(signedIn)
  try {
    const created = await call(options, '/auth/tokens', { method: 'POST', headers: { Cookie: cookie }, body: { name: options.deviceName } })
    const token = asTokenAnswer(created.body)
    if (created.status !== 201 || !token) throw new SignInError('server-error')
    const me = await call(options, '/auth/me', { headers: { Authorization: `Bearer ${token.token}` } })
    const user = (me.body as { user?: { id?: unknown; name?: unknown } } | undefined)?.user
    if (me.status !== 200 || typeof user?.id !== 'string') throw new SignInError('server-error')
    return {
      serverUrl: options.serverUrl,
      userId: user.id,
      userName: typeof user.name === 'string' ? user.name : user.id,
      tokenId: token.id,
      token: token.token,
    }
  } finally {
    await call(options, '/auth/logout', { method: 'POST', headers: { Cookie: cookie } }).catch(() => undefined)
  }
}

/**
 * Revokes this device's token on the server ("Sign out"). A token the server no longer knows
 * (401/404) counts as revoked. @throws SignInError when the server cannot be reached.
 */
export async function revokeDeviceToken(credential: DeviceCredential, options: Omit<ServerCall, 'serverUrl'> = {}): Promise<void> {
  const response = await call({ ...options, serverUrl: credential.serverUrl }, `/auth/tokens/${encodeURIComponent(credential.tokenId)}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${credential.token}` },
  })
  if (response.status !== 204 && response.status !== 401 && response.status !== 404) throw new SignInError('server-error')
}
