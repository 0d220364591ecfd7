import { describe, expect, it } from 'vitest'
import {
  DEFAULT_CONSENT_KEYWORDS,
  classifyReply,
  consentKeywordsOverrideSchema,
  consentKeywordsSchema,
  normalizeForMatch,
  resolveConsentKeywords,
} from '../../../electron/core/policy/keywords'

const classify = (text: string) => classifyReply({ text }, DEFAULT_CONSENT_KEYWORDS)

describe('normalizeForMatch', () => {
  it.each([
    ['Yes!', 'yes'],
    ['¡Sí!', 'si'],
    ['STOP.', 'stop'],
    ['  Não  ', 'nao'],
    ['ARRÊTER !!!', 'arreter'],
    ['👍 ok 👍', 'ok'],
    ['I   agree', 'i agree'],
    ['D’accord', "d'accord"],
    ['🙂', ''],
    ['No, gracias.', 'no gracias'],
    ['opt-out', 'opt out'],
    ["'yes'", 'yes'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeForMatch(input)).toBe(expected)
  })
})

describe('classifyReply', () => {
  it.each([
    // English
    ['Yes', 'affirm'],
    ['yes!!', 'affirm'],
    ['I agree.', 'affirm'],
    ['No', 'decline'],
    ['STOP', 'stop'],
    ['Unsubscribe', 'stop'],
    ['start', 'restart'],
    ['UNSTOP', 'restart'],
    // Spanish
    ['¡Sí!', 'affirm'],
    ['si', 'affirm'],
    ['No, gracias', 'decline'],
    ['no gracias', 'decline'],
    ['BAJA', 'stop'],
    ['Darme de baja', 'stop'],
    // Portuguese
    ['Sim', 'affirm'],
    ['Não', 'decline'],
    ['nao', 'decline'],
    ['Sair', 'stop'],
    ['Parar.', 'stop'],
    // French
    ['Oui !', 'affirm'],
    ["D'accord", 'affirm'],
    ['Non', 'decline'],
    ['Arrêter', 'stop'],
    ['arreter', 'stop'],
    // German
    ['Ja', 'affirm'],
    ['Nein', 'decline'],
    ['STOPP', 'stop'],
    ['Abmelden', 'stop'],
    // Italian
    ['Sì', 'affirm'],
    ['Basta!', 'stop'],
    // Dutch
    ['Nee', 'decline'],
    ['Akkoord', 'affirm'],
    ['Afmelden', 'stop'],
  ] as const)('%j is %s', (text, expected) => {
    expect(classify(text)).toBe(expected)
  })

  it('matches the whole message only', () => {
    expect(classify('stop by the office tomorrow')).toBeNull()
    expect(classify('yes I will come at 3')).toBeNull()
    expect(classify('Can we stop?')).toBeNull()
    expect(classify('no idea')).toBeNull()
  })

  it('ignores empty, emoji-only and missing text', () => {
    expect(classify('')).toBeNull()
    expect(classify('   ')).toBeNull()
    expect(classify('👍')).toBeNull()
    expect(classifyReply({}, DEFAULT_CONSENT_KEYWORDS)).toBeNull()
  })

  it('counts the opt-in buttons whatever the keywords or button text say', () => {
    const none = { affirm: [], decline: [], stop: [], restart: [] }
    expect(classifyReply({ buttonPayload: 'CONSENT_YES' }, none)).toBe('affirm')
    expect(classifyReply({ buttonPayload: 'CONSENT_NO', text: 'Yes please' }, none)).toBe('decline')
  })

  it('reads the button text when the payload is not a consent button', () => {
    expect(classifyReply({ buttonPayload: 'OTHER', text: 'Unsubscribe' }, DEFAULT_CONSENT_KEYWORDS)).toBe('stop')
  })

  it('lets an org replace words and resolves overlaps towards the opt-out', () => {
    const custom = { affirm: ['Jawel', 'halt'], decline: [], stop: ['HALT'], restart: [] }
    expect(classifyReply({ text: 'jawel!' }, custom)).toBe('affirm')
    expect(classifyReply({ text: 'Halt' }, custom)).toBe('stop')
    expect(classifyReply({ text: 'yes' }, custom)).toBeNull()
  })
})

describe('default keyword data', () => {
  it('never puts one word under two meanings', () => {
    const seen = new Map<string, string>()
    for (const [meaning, words] of Object.entries(DEFAULT_CONSENT_KEYWORDS)) {
      for (const word of words) {
        const key = normalizeForMatch(word)
        const earlier = seen.get(key)
        if (earlier && earlier !== meaning) throw new Error(`"${word}" is both ${earlier} and ${meaning}`)
        seen.set(key, meaning)
      }
    }
  })

  it('is valid against the org policy schema', () => {
    expect(consentKeywordsSchema.parse(DEFAULT_CONSENT_KEYWORDS)).toEqual(DEFAULT_CONSENT_KEYWORDS)
  })
})

describe('org overrides', () => {
  it('rejects unknown lists and empty words', () => {
    expect(consentKeywordsOverrideSchema.safeParse({ maybe: ['perhaps'] }).success).toBe(false)
    expect(consentKeywordsOverrideSchema.safeParse({ stop: ['  '] }).success).toBe(false)
  })

  it('replaces affirm lists but only adds stop words, so an opt-out is always heard', () => {
    const keywords = resolveConsentKeywords(consentKeywordsOverrideSchema.parse({ affirm: ['claro que si'], stop: ['chega'] }))
    expect(classifyReply({ text: 'Claro que sí' }, keywords)).toBe('affirm')
    expect(classifyReply({ text: 'yes' }, keywords)).toBeNull()
    expect(classifyReply({ text: 'Chega!' }, keywords)).toBe('stop')
    expect(classifyReply({ text: 'STOP' }, keywords)).toBe('stop')
    expect(classifyReply({ text: 'nein' }, keywords)).toBe('decline')
  })
})
