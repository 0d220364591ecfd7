import { describe, expect, it } from 'vitest'
import { MAX_ATTEMPTS } from '../../../electron/core/outbox/backoff'
import { classifyOutcome, mayHaveBeenSent } from '../../../electron/core/outbox/outcome'
import type { WhatsAppError } from '../../../electron/core/whatsapp/errors'

const NOW = 1_000_000
const half = () => 0.5
const error = (fields: Partial<WhatsAppError> & Pick<WhatsAppError, 'kind'>) => ({ ok: false as const, error: { reason: 'r', ...fields } })

describe('send outcomes', () => {
  it('an accepted send carries the provider id and the wa_id', () => {
    expect(classifyOutcome({ ok: true, providerId: 'wamid.1', waId: '1415' }, 1, NOW, half)).toEqual({
      action: 'accepted',
      providerId: 'wamid.1',
      waId: '1415',
    })
  })

  it('131047 holds for the window and "not on WhatsApp" is its own verdict, whatever the attempt', () => {
    expect(classifyOutcome(error({ kind: 'window_closed', code: 131047 }), 1, NOW, half).action).toBe('hold_for_window')
    expect(classifyOutcome(error({ kind: 'not_on_whatsapp', code: 131026 }), MAX_ATTEMPTS, NOW, half).action).toBe('not_on_whatsapp')
  })

  it('retries network trouble and rate limits with backoff, until the last attempt', () => {
    const retry = classifyOutcome(error({ kind: 'transient', httpStatus: 503 }), 1, NOW, half)
    expect(retry).toMatchObject({ action: 'retry' })
    expect(classifyOutcome(error({ kind: 'transient', httpStatus: 503 }), MAX_ATTEMPTS, NOW, half).action).toBe('fail')
    expect(classifyOutcome(error({ kind: 'invalid', code: 100 }), 1, NOW, half).action).toBe('fail')
  })

  it('a rate limit with retry-after penalises the right limiter and waits at least that long', () => {
    const pair = classifyOutcome(error({ kind: 'rate_limited', code: 131056, retryAfterMs: 7000 }), 1, NOW, half)
    expect(pair).toMatchObject({ action: 'retry', penalty: { scope: 'pair', until: NOW + 7000 } })
    expect(pair.action === 'retry' && pair.delayMs).toBeGreaterThanOrEqual(7000)
    expect(classifyOutcome(error({ kind: 'rate_limited', code: 130429, retryAfterMs: 2000 }), 1, NOW, half)).toMatchObject({
      penalty: { scope: 'global', until: NOW + 2000 },
    })
    expect(classifyOutcome(error({ kind: 'rate_limited', code: 130429 }), 1, NOW, half)).not.toHaveProperty('penalty')
  })

  it('131056 (pair limit) waits 4^X seconds as Meta advises, so the quota a burst borrowed is back before the message fails', () => {
    const waits = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => {
      const verdict = classifyOutcome(error({ kind: 'rate_limited', code: 131056, retryAfterMs: 6000 }), i + 1, NOW, half)
      return verdict.action === 'retry' ? [verdict.delayMs, verdict.penalty?.until] : verdict.action
    })
    // The 6 s pair interval wins for the first tries, then 16 s, 64 s, … 4096 s (about 68 minutes).
    expect(waits).toEqual([6000, 6000, 16000, 64000, 256000, 1024000, 4096000].map((ms) => [ms, NOW + ms]))
    const total = waits.reduce((sum, [ms]) => sum + Number(ms), 0)
    expect(total / 60_000).toBeGreaterThan(90)
    expect(classifyOutcome(error({ kind: 'rate_limited', code: 131056 }), MAX_ATTEMPTS, NOW, half).action).toBe('fail')
  })

  it('a send that may have reached WhatsApp waits for its status webhook instead of going again', () => {
    expect(mayHaveBeenSent({ kind: 'transient', reason: 'r', details: 'ECONNRESET' })).toBe(true)
    expect(mayHaveBeenSent({ kind: 'transient', reason: 'r', details: 'ECONNREFUSED' })).toBe(false)
    expect(mayHaveBeenSent({ kind: 'transient', reason: 'r', httpStatus: 200 })).toBe(true)
    expect(mayHaveBeenSent({ kind: 'transient', reason: 'r', httpStatus: 502 })).toBe(false)
    expect(classifyOutcome(error({ kind: 'transient', details: 'ECONNRESET' }), 1, NOW, half)).toMatchObject({
      action: 'await_status',
      fail: false,
    })
    expect(classifyOutcome(error({ kind: 'transient', details: 'ECONNRESET' }), MAX_ATTEMPTS, NOW, half)).toMatchObject({
      action: 'await_status',
      fail: true,
    })
  })
})
