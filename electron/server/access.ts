import { timingSafeEqual } from 'node:crypto'
import type { Identity } from './auth/credentials'

/**
 * Who sent a request, as the composition's mode established it:
 * - team server: a session or personal access token (`identity`, with its user and role);
 * - browser host: the host's token, which stands for the single-user host as a whole (the
 *   connection then picks its user with the demo sign-in), so `userId` is undefined.
 */
export interface Caller {
  userId?: string
  identity?: Identity
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the mode's onRequest hook; undefined when the request carries no valid credential. */
    caller: Caller | undefined
  }
}

/** What a request presents: the bearer header, the cookies, and the query (the host's `?token=`). */
export interface Presented {
  authorization: string | undefined
  cookies: Record<string, string | undefined>
  url: URL
}

export function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return match?.[1]
}

export function sameSecret(given: string | undefined, secret: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(secret)
  return a.length === b.length && timingSafeEqual(a, b)
}
