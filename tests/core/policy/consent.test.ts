import { describe, expect, it } from 'vitest'
import {
  CONSENT_REQUEST_INTERVAL_MS,
  INITIAL_CONSENT,
  applyConsentEvent,
  canRequestConsent,
  type ConsentEvent,
  type ConsentSnapshot,
  type ConsentTransition,
} from '../../../electron/core/policy/consent'
import type { ConsentState, ReplyClassification } from '../../../electron/core/policy/types'

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0)
const HOUR = 60 * 60 * 1000
const MINUTE = 60 * 1000

function ok(result: ConsentTransition) {
  if ('error' in result) throw new Error(`unexpected refusal: ${result.reason}`)
  return result
}

const request = (at: number): ConsentEvent => ({ type: 'request', at, byUserId: 'u-1', requestMessageId: `m-req-${at}` })
const reply = (classification: ReplyClassification | null, at = T0 + HOUR, via?: 'button' | 'text'): ConsentEvent => ({
  type: 'reply',
  at,
  classification,
  evidenceMessageId: 'm-in-1',
  ...(via ? { via } : {}),
})

const requested: ConsentSnapshot = { state: 'requested', lastRequestedAt: T0, updatedAt: T0 }
const at = (state: ConsentState): ConsentSnapshot => ({ state, lastRequestedAt: T0, updatedAt: T0 })

describe('asking for consent', () => {
  it('moves none → requested and records who asked with which message', () => {
    const result = ok(applyConsentEvent(INITIAL_CONSENT, request(T0)))
    expect(result.changed).toBe(true)
    expect(result.snapshot).toEqual({ state: 'requested', lastRequestedAt: T0, updatedAt: T0 })
    expect(result.record).toEqual({ state: 'requested', event: 'request', at: T0, byUserId: 'u-1', evidenceMessageId: `m-req-${T0}` })
  })

  it('refuses a repeat request before 24 h have passed, saying when it becomes possible', () => {
    const almost = T0 + 24 * HOUR - MINUTE
    expect(canRequestConsent(requested, almost)).toEqual({ ok: false, reason: 'too_soon', retryAt: T0 + CONSENT_REQUEST_INTERVAL_MS })
    expect(applyConsentEvent(requested, request(almost))).toEqual({ error: 'not_allowed', reason: 'too_soon' })
  })

  it('allows a repeat request at exactly 24 h and restarts the 24 h count', () => {
    const day = T0 + 24 * HOUR
    expect(canRequestConsent(requested, day)).toEqual({ ok: true })
    const result = ok(applyConsentEvent(requested, request(day)))
    expect(result.snapshot).toMatchObject({ state: 'requested', lastRequestedAt: day })
    expect(result.record?.event).toBe('request')
    expect(result.changed).toBe(false)
    expect(canRequestConsent(result.snapshot, day + 23 * HOUR)).toMatchObject({ ok: false, reason: 'too_soon' })
  })

  it('never asks someone who already consented or opted out', () => {
    expect(canRequestConsent(at('granted'), T0 + 100 * HOUR)).toEqual({ ok: false, reason: 'already_granted' })
    expect(canRequestConsent(at('declined'), T0 + 100 * HOUR)).toEqual({ ok: false, reason: 'opted_out' })
    expect(canRequestConsent(at('revoked'), T0 + 100 * HOUR)).toEqual({ ok: false, reason: 'opted_out' })
    expect(applyConsentEvent(at('revoked'), request(T0 + 100 * HOUR))).toEqual({ error: 'not_allowed', reason: 'opted_out' })
  })

  it('re-checks someone who was not on WhatsApp only after 24 h', () => {
    const notOnWhatsApp = at('not_on_whatsapp')
    expect(applyConsentEvent(notOnWhatsApp, request(T0 + 23 * HOUR + 59 * MINUTE))).toMatchObject({ error: 'not_allowed' })
    const result = ok(applyConsentEvent(notOnWhatsApp, request(T0 + 24 * HOUR)))
    expect(result.snapshot.state).toBe('requested')
    expect(result.changed).toBe(true)
  })
})

describe('replies while the request is open', () => {
  it.each([
    ['affirm', 'granted'],
    ['restart', 'granted'],
    ['decline', 'declined'],
    ['stop', 'revoked'],
  ] as const)('%s → %s, keeping the reply as evidence', (classification, state) => {
    const result = ok(applyConsentEvent(requested, reply(classification)))
    expect(result.changed).toBe(true)
    expect(result.snapshot).toEqual({ state, lastRequestedAt: T0, updatedAt: T0 + HOUR })
    expect(result.record).toEqual({ state, event: 'reply', at: T0 + HOUR, evidenceMessageId: 'm-in-1', classification })
  })

  it('ignores any other message', () => {
    const result = ok(applyConsentEvent(requested, reply(null)))
    expect(result).toEqual({ snapshot: requested, changed: false })
  })
})

describe('after consent', () => {
  it('revokes on stop and on the decline button', () => {
    expect(ok(applyConsentEvent(at('granted'), reply('stop'))).snapshot.state).toBe('revoked')
    expect(ok(applyConsentEvent(at('granted'), reply('decline', T0 + HOUR, 'button'))).snapshot.state).toBe('revoked')
    expect(ok(applyConsentEvent(at('granted'), reply('decline'))).snapshot.state).toBe('revoked')
  })

  it('does not treat a typed "no" in a running conversation as an opt-out', () => {
    expect(ok(applyConsentEvent(at('granted'), reply('decline', T0 + HOUR, 'text')))).toMatchObject({ changed: false })
  })

  it('ignores yes, start and ordinary messages', () => {
    for (const classification of ['affirm', 'restart', null] as const) {
      expect(ok(applyConsentEvent(at('granted'), reply(classification))).changed).toBe(false)
    }
  })
})

describe('opting back in', () => {
  it.each(['declined', 'revoked'] as const)('%s → granted on yes or start', (state) => {
    for (const classification of ['affirm', 'restart'] as const) {
      const result = ok(applyConsentEvent(at(state), reply(classification)))
      expect(result.snapshot.state).toBe('granted')
      expect(result.record?.evidenceMessageId).toBe('m-in-1')
    }
  })

  it('keeps a decliner opted out on other messages, and records a later STOP as revoked', () => {
    expect(ok(applyConsentEvent(at('declined'), reply(null))).changed).toBe(false)
    expect(ok(applyConsentEvent(at('declined'), reply('stop'))).snapshot.state).toBe('revoked')
    expect(ok(applyConsentEvent(at('revoked'), reply('stop'))).changed).toBe(false)
    expect(ok(applyConsentEvent(at('revoked'), reply('decline'))).changed).toBe(false)
  })
})

describe('honouring an opt-out before anyone asked', () => {
  it('records STOP while none as revoked', () => {
    const result = ok(applyConsentEvent(INITIAL_CONSENT, reply('stop')))
    expect(result.snapshot.state).toBe('revoked')
    expect(result.record).toMatchObject({ state: 'revoked', event: 'reply' })
  })

  it('does not take an unprompted yes as consent', () => {
    expect(ok(applyConsentEvent(INITIAL_CONSENT, reply('affirm')))).toEqual({ snapshot: INITIAL_CONSENT, changed: false })
  })
})

describe('not on WhatsApp', () => {
  it('marks an undeliverable opt-in request', () => {
    const result = ok(applyConsentEvent(requested, { type: 'undeliverable', at: T0 + MINUTE, requestMessageId: 'm-req' }))
    expect(result.snapshot.state).toBe('not_on_whatsapp')
    expect(result.record).toEqual({ state: 'not_on_whatsapp', event: 'undeliverable', at: T0 + MINUTE, evidenceMessageId: 'm-req' })
  })

  it('does not let a late failure undo an answer already given', () => {
    expect(ok(applyConsentEvent(at('granted'), { type: 'undeliverable', at: T0, requestMessageId: 'm' })).changed).toBe(false)
  })

  it('a message from them proves they are on WhatsApp, so they can be asked at once', () => {
    const result = ok(applyConsentEvent(at('not_on_whatsapp'), reply(null)))
    expect(result.snapshot.state).toBe('none')
    expect(canRequestConsent(result.snapshot, T0 + HOUR)).toEqual({ ok: true })
  })
})

describe('platform marketing preferences', () => {
  it.each(['platform_stop', 'platform_resume'] as const)('%s is recorded but leaves consent alone', (type) => {
    const result = ok(applyConsentEvent(at('granted'), { type, at: T0 + HOUR }))
    expect(result.changed).toBe(false)
    expect(result.snapshot.state).toBe('granted')
    expect(result.record).toEqual({ state: 'granted', event: type, at: T0 + HOUR })
  })
})

describe('@operations an opt-in request that failed', () => {
  const failed = (at = T0 + MINUTE): ConsentEvent => ({ type: 'request_failed', at, requestMessageId: `m-req-${T0}` })

  it('moves requested → none, recorded with the request as evidence, and a new request may go at once', () => {
    const result = ok(applyConsentEvent(requested, failed()))
    expect(result.changed).toBe(true)
    expect(result.snapshot.state).toBe('none')
    expect(result.record).toEqual({ state: 'none', event: 'request_failed', at: T0 + MINUTE, evidenceMessageId: `m-req-${T0}` })
    expect(canRequestConsent(result.snapshot, T0 + 2 * MINUTE)).toEqual({ ok: true })
  })

  it('never undoes an answer the person already gave', () => {
    for (const state of ['granted', 'declined', 'revoked', 'not_on_whatsapp'] as const) {
      expect(ok(applyConsentEvent(at(state), failed())).changed).toBe(false)
    }
  })
})
