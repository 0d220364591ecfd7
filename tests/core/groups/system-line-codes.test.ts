import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Message } from '../../../electron/shared/domain'
import { systemLineText } from '../../../src/composables/useMessageFormat'
import { i18n, loadLocale } from '../../../src/i18n'
import { startGroupEngine, type GroupEngine } from './group-engine'

/**
 * System lines are stored with a code and the names in them (extra.line) beside the English text:
 * the screen writes them in the user's language, and in English exactly as the engine wrote them.
 */
describe('system lines carry a code the screen translates', () => {
  let g: GroupEngine
  beforeEach(async () => {
    g = await startGroupEngine()
  })
  afterEach(async () => {
    i18n.global.locale.value = 'en'
    await g.close()
  })

  async function systemMessages(id: string): Promise<Message[]> {
    const messages: Message[] = await g.as('priya')('messages:list', { conversationId: id, limit: 500 })
    return messages.filter((m) => m.direction === 'system').sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
  }

  it('added, removed, transferred with a note, left and ended: English as stored, German from the code', async () => {
    const { id } = await g.thread()
    const step = () => g.clock.advance(60_000)
    step()
    await g.as('priya')('conversations:addParticipant', { id, userId: 'sam' })
    step()
    await g.as('priya')('conversations:addParticipant', { id, userId: 'alex' })
    step()
    await g.as('priya')('conversations:removeParticipant', { id, userId: 'alex' })
    step()
    await g.as('sam')('conversations:transfer', { id, toUserId: 'alex', note: 'Rechnung März' })
    step()
    await g.as('alex')('conversations:leave', { id })

    const lines = await systemMessages(id)
    expect(lines.map((m) => (m.extra?.line as { code: string }).code)).toEqual([
      'participantAdded',
      'participantAdded',
      'participantRemoved',
      'transferredWithNote',
      'participantLeft',
    ])
    i18n.global.locale.value = 'en'
    for (const line of lines) expect(systemLineText(line)).toBe(line.text)

    // The app fetches a language on demand; this test runs without the DOM setup that loads them all.
    await loadLocale('de')
    i18n.global.locale.value = 'de'
    expect(lines.map((m) => systemLineText(m))).toEqual([
      'Priya Shah hat Sam Lee hinzugefügt',
      'Priya Shah hat Alex Morgan hinzugefügt',
      'Priya Shah hat Alex Morgan entfernt',
      'Sam Lee hat die Unterhaltung an Alex Morgan übergeben: Rechnung März',
      'Alex Morgan hat die Unterhaltung verlassen',
    ])
  })

  it('a line without a code, or with one this version does not know, keeps the stored text', () => {
    const base = { text: 'Ana changed her profile' } as Pick<Message, 'text' | 'extra'>
    i18n.global.locale.value = 'fr'
    expect(systemLineText(base)).toBe('Ana changed her profile')
    expect(systemLineText({ ...base, extra: { line: { code: 'somethingNew', params: {} } } })).toBe('Ana changed her profile')
  })
})
