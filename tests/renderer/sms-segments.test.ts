import { describe, expect, it } from 'vitest'
import { smsSegments } from '../../src/components/composer/sms-segments'

describe('SMS segments and encoding @sms', () => {
  it('fits 160 GSM-7 characters in one part and splits longer text in parts of 153', () => {
    expect(smsSegments('')).toMatchObject({ segments: 0, encoding: 'GSM-7' })
    expect(smsSegments('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1, units: 160, remaining: 0 })
    expect(smsSegments('a'.repeat(161))).toMatchObject({ segments: 2, units: 161, remaining: 153 * 2 - 161 })
    expect(smsSegments('a'.repeat(306))).toMatchObject({ segments: 2, remaining: 0 })
    expect(smsSegments('a'.repeat(307))).toMatchObject({ segments: 3 })
  })

  it('counts extension characters (€, brackets) as two septets and never splits one', () => {
    expect(smsSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', segments: 1, units: 160 })
    expect(smsSegments('€'.repeat(81))).toMatchObject({ segments: 2, units: 162 })
    // 152 plain septets then an escape pair: the pair moves whole into the second part.
    expect(smsSegments(`${'a'.repeat(152)}€${'b'.repeat(10)}`)).toMatchObject({ segments: 2, remaining: 153 - 12 })
  })

  it('switches to UCS-2 for a character outside GSM-7 and names it', () => {
    const text = `Your table is booked 😊 — see you`
    const result = smsSegments(text)
    expect(result.encoding).toBe('UCS-2')
    expect(result.unicodeCharacters).toEqual(['😊', '—'])
    expect(smsSegments('ü'.repeat(70)).encoding).toBe('GSM-7')
    expect(smsSegments('ł'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1, remaining: 0 })
    expect(smsSegments('ł'.repeat(71))).toMatchObject({ segments: 2 })
    // An emoji is two UTF-16 units and is never split across parts.
    expect(smsSegments(`${'ł'.repeat(66)}😊`)).toMatchObject({ units: 68, segments: 1 })
    expect(smsSegments(`${'ł'.repeat(70)}😊`)).toMatchObject({ units: 72, segments: 2, remaining: 67 - 5 })
  })
})
