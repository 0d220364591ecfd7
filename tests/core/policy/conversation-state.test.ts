import { describe, expect, it } from 'vitest'
import { deriveConversationState, formatRemaining, stateBannerText } from '../../../electron/core/policy/conversation-state'
import { WINDOW_MS, windowClosesAt } from '../../../electron/core/policy/window'
import type { ConsentState, ConversationState } from '../../../electron/core/policy/types'

const NOW = Date.UTC(2026, 10, 25, 9, 0, 0)
const HOUR = 60 * 60 * 1000
const MINUTE = 60 * 1000

describe('deriveConversationState', () => {
  it.each([
    ['requested', 'awaiting_consent'],
    ['declined', 'opted_out'],
    ['revoked', 'opted_out'],
    ['not_on_whatsapp', 'not_on_whatsapp'],
  ] as Array<[ConsentState, ConversationState]>)('consent %s → %s', (consent, state) => {
    expect(deriveConversationState({ consent, lastInboundAt: NOW - HOUR, now: NOW, ended: false })).toBe(state)
  })

  it('@operations consent none: active while the window the guest opened is open (guest-first), awaiting consent otherwise', () => {
    const base = { consent: 'none' as const, now: NOW, ended: false }
    expect(deriveConversationState({ ...base, lastInboundAt: NOW - HOUR })).toBe('active')
    expect(deriveConversationState({ ...base, lastInboundAt: NOW - WINDOW_MS })).toBe('awaiting_consent')
    expect(deriveConversationState({ ...base, lastInboundAt: undefined })).toBe('awaiting_consent')
  })

  it('is active while the window is open and inactive from the moment it closes', () => {
    const base = { consent: 'granted' as const, now: NOW, ended: false }
    expect(deriveConversationState({ ...base, lastInboundAt: NOW - WINDOW_MS + 1 })).toBe('active')
    expect(deriveConversationState({ ...base, lastInboundAt: NOW - WINDOW_MS })).toBe('inactive')
    expect(deriveConversationState({ ...base, lastInboundAt: undefined })).toBe('inactive')
  })

  it('stays ended whatever the consent', () => {
    expect(deriveConversationState({ consent: 'granted', lastInboundAt: NOW, now: NOW, ended: true })).toBe('ended')
    expect(deriveConversationState({ consent: 'revoked', now: NOW, ended: true })).toBe('ended')
  })
})

describe('stateBannerText', () => {
  const banner = (state: ConversationState, closesAt?: number) =>
    stateBannerText({ state, contactName: 'Ana', windowClosesAt: closesAt, now: NOW })

  it('counts down the window in hours and minutes', () => {
    expect(banner('active', NOW + 5 * HOUR + 12 * MINUTE)).toBe('Active — window closes in 5 h 12 min')
    expect(banner('active', windowClosesAt(NOW))).toBe('Active — window closes in 24 h')
    expect(banner('active', NOW + 42 * MINUTE)).toBe('Active — window closes in 42 min')
  })

  it('never shows an open window as "0 min"', () => {
    expect(banner('active', NOW + 20_000)).toBe('Active — window closes in 1 min')
    expect(formatRemaining(5 * HOUR + 11 * MINUTE + 1)).toBe('5 h 12 min')
  })

  it.each([
    ['inactive', 'Inactive — messages will be sent when Ana writes again'],
    ['opted_out', 'Opted out — Ana asked not to be contacted'],
    ['not_on_whatsapp', 'Not on WhatsApp — send an SMS instead'],
  ] as Array<[ConversationState, string]>)('%s reads "%s"', (state, text) => {
    expect(banner(state)).toBe(text)
  })

  it('tells a declined opt-in from an opt-out, and a request not sent yet from one waiting', () => {
    expect(stateBannerText({ state: 'opted_out', consent: 'declined', contactName: 'Ana', now: NOW })).toBe(
      'Declined — Ana said no to WhatsApp messages; they can opt in by writing to you',
    )
    expect(stateBannerText({ state: 'opted_out', consent: 'revoked', contactName: 'Ana', now: NOW })).toBe(
      'Opted out — Ana asked not to be contacted',
    )
    expect(stateBannerText({ state: 'awaiting_consent', consent: 'none', contactName: 'Ana', now: NOW })).toMatch(/^Not asked yet/)
    expect(stateBannerText({ state: 'awaiting_consent', consent: 'requested', contactName: 'Ana', now: NOW })).toMatch(
      /^Waiting for consent/,
    )
  })

  it('says a conversation waits for consent, and when it has ended', () => {
    expect(banner('awaiting_consent')).toMatch(/^Waiting for consent/)
    expect(banner('ended')).toMatch(/^Conversation ended/)
  })
})
