import { describe, expect, it } from 'vitest'
import type { ConsentState, ConversationState, HoldReason } from '../../electron/shared/domain'
import * as engineDecide from '../../electron/core/policy/decide'
import * as engineState from '../../electron/core/policy/conversation-state'
import * as texts from '../../electron/shared/policy-texts'
import { composerNotice, effectiveState, formatRemaining, holdReasonText, stateBanner, stateChip } from '../../src/composables/useBanner'
import { highlightSegments } from '../../src/composables/useHighlight'
import { i18n, loadLocale } from '../../src/i18n'

// The engine's English words live once, in electron/shared/policy-texts. The renderer writes the
// same sentences from the same codes in the user's language (src/i18n); in English they must read
// exactly as the engine's, which the cases below check state by state.
describe('banner and hold texts say what the engine decides', () => {
  const states: ConversationState[] = ['awaiting_consent', 'active', 'inactive', 'opted_out', 'not_on_whatsapp', 'ended']
  const now = 1_700_000_000_000

  it('the engine uses the shared module, not copies', () => {
    expect(engineDecide.holdReasonText).toBe(texts.holdReasonText)
    expect(engineState.formatRemaining).toBe(texts.formatRemaining)
    expect(engineState.stateBannerText).toBe(texts.stateBannerText)
  })

  it('in English the chips and composer notices read as the engine writes them', () => {
    for (const state of states)
      for (const consent of ['none', 'requested', 'granted', 'declined', 'revoked'] as ConsentState[]) {
        expect(stateChip(state, consent)).toBe(texts.stateChip(state, consent))
        const conversation = { channel: 'whatsapp' as const, state, consent, contactName: 'Ana', windowClosesAt: undefined }
        expect(composerNotice(conversation, now)).toEqual(texts.composerNotice(conversation, now))
      }
    expect(holdReasonText('account_paused', 'Ana')).toBe(texts.holdReasonText('account_paused', 'Ana'))
  })

  it('in another language the same state reads in that language, naming the contact', async () => {
    await loadLocale('es')
    i18n.global.locale.value = 'es'
    try {
      expect(stateBanner({ state: 'inactive', contactName: 'Ana' }, now).text).toBe(
        'Inactiva: los mensajes se enviarán cuando Ana vuelva a escribir',
      )
      expect(holdReasonText('awaiting_reply', 'Ana')).toContain('Ana')
      expect(stateChip('opted_out', 'declined')).toBe('Rechazado')
    } finally {
      i18n.global.locale.value = 'en'
    }
  })

  it('the banner tone follows the state', () => {
    expect(stateBanner({ state: 'active', windowClosesAt: now + 60_000, contactName: 'Ana' }, now).tone).toBe('ok')
    expect(stateBanner({ state: 'active', windowClosesAt: now, contactName: 'Ana' }, now).tone).toBe('wait')
    expect(stateBanner({ state: 'awaiting_consent', contactName: 'Ana' }, now).tone).toBe('wait')
    expect(stateBanner({ state: 'opted_out', contactName: 'Ana' }, now).tone).toBe('stop')
    expect(stateBanner({ state: 'not_on_whatsapp', contactName: 'Ana' }, now).tone).toBe('stop')
    expect(stateBanner({ state: 'ended', contactName: 'Ana' }, now).tone).toBe('stop')
  })

  it.each(states)('state %s', (state) => {
    const windowClosesAt = state === 'active' ? now + (5 * 60 + 12) * 60_000 : undefined
    expect(stateBanner({ state, windowClosesAt, contactName: 'Ana' }, now).text).toBe(
      engineState.stateBannerText({ state, windowClosesAt, contactName: 'Ana', now }),
    )
  })

  it.each([
    ['opted_out', 'declined'],
    ['opted_out', 'revoked'],
    ['awaiting_consent', 'none'],
    ['awaiting_consent', 'requested'],
  ] as Array<[ConversationState, ConsentState]>)('state %s with consent %s', (state, consent) => {
    expect(stateBanner({ state, consent, contactName: 'Ana' }, now).text).toBe(
      engineState.stateBannerText({ state, consent, contactName: 'Ana', now }),
    )
  })

  it('a declined opt-in is not an opt-out, and no request sent yet is not waiting for consent', () => {
    const declined = stateBanner({ state: 'opted_out', consent: 'declined', contactName: 'Ana' }, now).text
    expect(declined).toMatch(/^Declined — Ana said no/)
    expect(declined).not.toContain('asked not to be contacted')
    expect(stateBanner({ state: 'opted_out', consent: 'revoked', contactName: 'Ana' }, now).text).toBe(
      'Opted out — Ana asked not to be contacted',
    )
    const none = stateBanner({ state: 'awaiting_consent', consent: 'none', contactName: 'Ana' }, now).text
    expect(none).not.toMatch(/Waiting for consent/)
    expect(none).toMatch(/^Not asked yet/)
    expect(stateChip('opted_out', 'declined')).toBe('Declined')
    expect(stateChip('awaiting_consent', 'none')).toBe('Not asked yet')
    const base = { channel: 'whatsapp' as const, contactName: 'Ana', windowClosesAt: undefined }
    expect(composerNotice({ ...base, state: 'opted_out', consent: 'declined' }, now)?.text).not.toContain('asked not to be contacted')
  })

  it.each(['awaiting_consent', 'awaiting_reply', 'opted_out', 'not_on_whatsapp'] as HoldReason[])('hold reason %s', (reason) => {
    expect(holdReasonText(reason, 'Ana')).toBe(engineDecide.holdReasonText(reason, 'Ana'))
  })

  it.each([1, 59_999, 60_000, 3_600_000, 5 * 3_600_000 + 12 * 60_000 - 30_000, 24 * 3_600_000])(
    'formats %i ms as the engine does',
    (ms) => {
      expect(formatRemaining(ms)).toBe(engineState.formatRemaining(ms))
    },
  )

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
    expect(composerNotice({ ...base, state: 'inactive', consent: 'granted' }, now)).toMatchObject({
      disabled: false,
      text: expect.stringContaining('queued'),
    })
    expect(composerNotice({ ...base, state: 'awaiting_consent', consent: 'requested' }, now)).toMatchObject({
      disabled: false,
      text: expect.stringContaining('queued'),
    })
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
    const segments = highlightSegments(text, [
      [29, 31],
      [0, 4],
      [2, 3],
      [40, 50],
    ])
    expect(segments.map((s) => s.text).join('')).toBe(text)
    expect(segments.filter((s) => s.mark).map((s) => s.text)).toEqual(['<img', 'hi'])
  })
})
