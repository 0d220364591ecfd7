import { describe, expect, it } from 'vitest'
import { decideSend, holdReasonText } from '../../../electron/core/policy/decide'
import { WINDOW_MS, isWindowOpen, windowClosesAt } from '../../../electron/core/policy/window'
import type { ConsentState, HoldReason, SendKind } from '../../../electron/core/policy/types'

const NOW = Date.UTC(2026, 10, 25, 9, 0, 0)
const HOUR = 60 * 60 * 1000

describe('the 24-hour window', () => {
  it('closes exactly 24 h after their last message', () => {
    const last = NOW - 10 * HOUR
    expect(windowClosesAt(last)).toBe(last + WINDOW_MS)
    expect(isWindowOpen(NOW - WINDOW_MS + 1, NOW)).toBe(true)
    expect(isWindowOpen(NOW - WINDOW_MS, NOW)).toBe(false)
  })

  it('is closed when they never wrote', () => {
    expect(windowClosesAt(undefined)).toBeUndefined()
    expect(isWindowOpen(undefined, NOW)).toBe(false)
  })
})

const OPEN = NOW - HOUR
const AT_EDGE = NOW - WINDOW_MS
const JUST_INSIDE = NOW - WINDOW_MS + 1
type Window = number | undefined

// [kind, consent, lastInboundAt, expected]: every consent with an open, boundary and missing window.
const table: Array<[SendKind, ConsentState, Window, 'send' | HoldReason]> = []
const windows: Window[] = [OPEN, JUST_INSIDE, AT_EDGE, undefined]
for (const lastInboundAt of windows) {
  const open = lastInboundAt !== undefined && lastInboundAt > NOW - WINDOW_MS
  table.push(
    ['freeform', 'not_on_whatsapp', lastInboundAt, 'not_on_whatsapp'],
    ['freeform', 'revoked', lastInboundAt, 'opted_out'],
    ['freeform', 'declined', lastInboundAt, 'opted_out'],
    ['freeform', 'none', lastInboundAt, 'awaiting_consent'],
    ['freeform', 'requested', lastInboundAt, 'awaiting_consent'],
    ['freeform', 'granted', lastInboundAt, open ? 'send' : 'awaiting_reply'],
    ['template', 'not_on_whatsapp', lastInboundAt, 'not_on_whatsapp'],
    ['template', 'revoked', lastInboundAt, 'opted_out'],
    ['template', 'declined', lastInboundAt, 'opted_out'],
    ['template', 'none', lastInboundAt, 'send'],
    ['template', 'requested', lastInboundAt, 'send'],
    ['template', 'granted', lastInboundAt, 'send'],
  )
}

describe('decideSend', () => {
  it.each(table)('%s with consent %s, last inbound %s → %s', (kind, consent, lastInboundAt, expected) => {
    const decision = decideSend({ kind, consent, lastInboundAt, now: NOW })
    expect(decision).toEqual(expected === 'send' ? { action: 'send' } : { action: 'hold', reason: expected })
  })

  it('holds a free-form message the moment the window closes, not a millisecond later', () => {
    expect(decideSend({ kind: 'freeform', consent: 'granted', lastInboundAt: NOW - WINDOW_MS + 1, now: NOW })).toEqual({ action: 'send' })
    expect(decideSend({ kind: 'freeform', consent: 'granted', lastInboundAt: NOW - WINDOW_MS, now: NOW })).toEqual({
      action: 'hold',
      reason: 'awaiting_reply',
    })
  })
})

describe('holdReasonText', () => {
  it.each([
    ['awaiting_consent', 'Waiting for Ana to accept the opt-in request'],
    ['awaiting_reply', 'Will be sent when Ana writes again (the 24-hour window is closed)'],
    ['opted_out', 'Ana asked not to be contacted on WhatsApp'],
    ['not_on_whatsapp', 'Ana is not on WhatsApp — send an SMS instead'],
  ] as const)('%s reads "%s"', (reason, text) => {
    expect(holdReasonText(reason, 'Ana')).toBe(text)
  })
})
