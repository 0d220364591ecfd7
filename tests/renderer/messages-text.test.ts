import { describe, expect, it } from 'vitest'
import type { ConversationState, HoldReason } from '../../electron/shared/domain'
import * as engineDecide from '../../electron/core/policy/decide'
import * as engineState from '../../electron/core/policy/conversation-state'
import { composerNotice, effectiveState, formatRemaining, holdReasonText, stateBanner } from '../../src/composables/useBanner'
import { highlightSegments } from '../../src/composables/useHighlight'

// The renderer cannot import the engine, so it mirrors the policy's words: these keep them in step.
describe('banner and hold texts mirror the engine policy', () => {
  const states: ConversationState[] = ['awaiting_consent', 'active', 'inactive', 'opted_out', 'not_on_whatsapp', 'ended']
  const now = 1_700_000_000_000

  it.each(states)('state %s', (state) => {
    const windowClosesAt = state === 'active' ? now + (5 * 60 + 12) * 60_000 : undefined
    expect(stateBanner({ state, windowClosesAt, contactName: 'Ana' }, now).text).toBe(
      engineState.stateBannerText({ state, windowClosesAt, contactName: 'Ana', now }),
    )
  })

  it.each(['awaiting_consent', 'awaiting_reply', 'opted_out', 'not_on_whatsapp'] as HoldReason[])('hold reason %s', (reason) => {
    expect(holdReasonText(reason, 'Ana')).toBe(engineDecide.holdReasonText(reason, 'Ana'))
  })

  it.each([1, 59_999, 60_000, 3_600_000, 5 * 3_600_000 + 12 * 60_000 - 30_000, 24 * 3_600_000])('formats %i ms as the engine does', (ms) => {
    expect(formatRemaining(ms)).toBe(engineState.formatRemaining(ms))
  })

  it('reads "Active — window closes in 5 h 12 min" and ticks down', () => {
    const c = { state: 'active' as const, windowClosesAt: now + (5 * 60 + 12) * 60_000, contactName: 'Ana' }
    expect(stateBanner(c, now).text).toBe('Active — window closes in 5 h 12 min')
    expect(stateBanner(c, now + 60 * 60_000).text).toBe('Active — window closes in 4 h 12 min')
  })

  it('an active window that closed without an event shows inactive', () => {
    const c = { state: 'active' as const, windowClosesAt: now, contactName: 'Ana' }
    expect(effectiveState(c, now - 1)).toBe('active')
    expect(effectiveState(c, now)).toBe('inactive')
    expect(stateBanner(c, now).text).toBe('Inactive — messages will be sent when Ana writes again')
  })

  it('the composer says plainly when messages wait, and is disabled when they cannot go', () => {
    const base = { channel: 'whatsapp' as const, contactName: 'Ana', windowClosesAt: undefined }
    expect(composerNotice({ ...base, state: 'active', consent: 'granted', windowClosesAt: now + 1000 }, now)).toBeUndefined()
    expect(composerNotice({ ...base, state: 'inactive', consent: 'granted' }, now)).toMatchObject({ disabled: false, text: expect.stringContaining('queued') })
    expect(composerNotice({ ...base, state: 'awaiting_consent', consent: 'requested' }, now)).toMatchObject({ disabled: false, text: expect.stringContaining('queued') })
    expect(composerNotice({ ...base, state: 'opted_out', consent: 'revoked' }, now)).toMatchObject({ disabled: true })
    expect(composerNotice({ ...base, channel: 'sms', state: 'active', consent: 'none' }, now)).toBeUndefined()
  })
})

describe('search highlights', () => {
  it('splits the snippet into plain text and marked ranges', () => {
    expect(highlightSegments('The café order', [[4, 8]])).toEqual([
      { text: 'The ', mark: false },
      { text: 'café', mark: true },
      { text: ' order', mark: false },
    ])
  })

  it('keeps markup-looking text as text and tolerates odd ranges', () => {
    const text = '<img src=x onerror=alert(1)> hi'
    const segments = highlightSegments(text, [[29, 31], [0, 4], [2, 3], [40, 50]])
    expect(segments.map((s) => s.text).join('')).toBe(text)
    expect(segments.filter((s) => s.mark).map((s) => s.text)).toEqual(['<img', 'hi'])
  })
})
