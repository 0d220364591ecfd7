import type { z } from 'zod'
import { isRequestChannel, requestChannels, type RequestChannel, type ValueOf } from '../shared/api/contract'
import { engineText } from '../shared/api/engine-text'
import { ApiFailure, fail, ok, type Result } from '../shared/api/result'
import { createLogger } from './platform/logger'

const log = createLogger('dispatcher')

export interface RequestContext {
  /** The org user the request acts as; undefined before sign-in (browser host). */
  userId: string | undefined
}

export type Handler<C extends RequestChannel> = (
  payload: z.output<(typeof requestChannels)[C]['request']>,
  request: RequestContext & { userId: string },
) => ValueOf<C> | Promise<ValueOf<C>>

export type HandlerTable = { [C in RequestChannel]: Handler<C> }

/** Channels a connection may use before it has signed in. */
const OPEN_CHANNELS: ReadonlySet<string> = new Set(['org:users', 'session:signIn'])

/**
 * Validates every request against the contract and runs its handler. Never throws: unknown
 * channels, malformed payloads and handler failures all come back as `{ ok: false, error }`.
 */
export function createDispatcher(handlers: HandlerTable) {
  return async function dispatch(request: RequestContext, channel: unknown, payload: unknown): Promise<Result<unknown>> {
    if (!isRequestChannel(channel)) return fail('invalid', `Unknown channel: ${String(channel).slice(0, 100)}`)
    if (request.userId === undefined && !OPEN_CHANNELS.has(channel)) return fail('forbidden', engineText('request.signInFirst'))
    const parsed = requestChannels[channel].request.safeParse(payload ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
      return fail('invalid', `Invalid ${channel} request: ${where}${issue?.message ?? 'malformed payload'}`, {
        issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String), message: i.message })),
      })
    }
    try {
      const handler = handlers[channel] as Handler<RequestChannel>
      const value = await handler(parsed.data, { userId: request.userId ?? '' })
      return ok(value)
    } catch (error) {
      if (error instanceof ApiFailure) return fail(error.code, error.text ?? error.message, error.details)
      log.error('request failed', { channel, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })
      return fail('internal', engineText('request.internal'))
    }
  }
}
