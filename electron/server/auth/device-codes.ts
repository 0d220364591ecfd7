import { createHash, randomBytes } from 'node:crypto'

/** How long a device's one-time code may wait to be exchanged (the app does so at once). */
export const DEVICE_CODE_TTL_MS = 2 * 60_000

/**
 * A native app's redirect target (RFC 8252 §7.3): plain HTTP to the loopback IP literal on any
 * port. `localhost` is refused (it may resolve elsewhere), and so is anything with credentials.
 */
export function isLoopbackRedirect(value: string): boolean {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]') && !url.username && !url.password
}

/** PKCE S256 (RFC 7636 §4.2): the challenge is base64url(sha256(verifier)). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

/** RFC 7636 §4.1: 43 to 128 characters of the unreserved set. */
export const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/
/** A base64url SHA-256 is 43 characters. */
export const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

interface PendingCode {
  userId: string
  challenge: string
  redirectUri: string
  deviceName: string
  expiresAt: number
}

/**
 * One-time authorization codes for desktop sign-in, kept in this process only (a code lives for
 * seconds between the browser's redirect and the app's exchange). Each is bound to the user who
 * approved it, the PKCE challenge and the exact redirect URI; it is spent by the first exchange,
 * right or wrong, so a stolen code cannot be tried twice.
 */
export function createDeviceCodes(now: () => number) {
  const pending = new Map<string, PendingCode>()
  const sweep = () => {
    const at = now()
    for (const [code, entry] of pending) if (entry.expiresAt <= at) pending.delete(code)
  }
  return {
    issue(entry: Omit<PendingCode, 'expiresAt'>): string {
      sweep()
      const code = randomBytes(32).toString('base64url')
      pending.set(code, { ...entry, expiresAt: now() + DEVICE_CODE_TTL_MS })
      return code
    },
    /** The approved sign-in behind a code, or undefined (unknown, used, expired, wrong verifier or URI). */
    redeem(code: string, verifier: string, redirectUri: string): { userId: string; deviceName: string } | undefined {
      const entry = pending.get(code)
      pending.delete(code)
      if (!entry || entry.expiresAt <= now()) return undefined
      if (entry.redirectUri !== redirectUri || !PKCE_VERIFIER.test(verifier) || pkceChallenge(verifier) !== entry.challenge)
        return undefined
      return { userId: entry.userId, deviceName: entry.deviceName }
    },
  }
}

export type DeviceCodes = ReturnType<typeof createDeviceCodes>
