// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Contact } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')

const { ApiRequestError } = await import('../../src/api/client')
const { importFormatFor, matchesQuery, useContactsStore } = await import('../../src/stores/contacts')

const contact = (id: string, name: string, extra: Partial<Contact> = {}): Contact => ({ id, name, createdAt: 1, updatedAt: 1, ...extra })

describe('useContactsStore', () => {
  beforeEach(() => {
    testingPinia({ stubActions: false })
    api.call.mockReset()
    api.listeners.clear()
  })

  it('drops a slow answer to an older search', async () => {
    let answerOld!: (value: Contact[]) => void
    api.call.mockImplementationOnce(() => new Promise((resolve) => (answerOld = resolve)))
    api.call.mockResolvedValueOnce([contact('c2', 'Ben')])
    const store = useContactsStore()
    const old = store.search('a')
    await store.search('be')
    answerOld([contact('c1', 'Ana')])
    await old
    expect(store.list.map((c) => c.name)).toEqual(['Ben'])
    expect(api.call).toHaveBeenLastCalledWith('contacts:list', { query: 'be' })
  })

  it('follows contacts:changed and contacts:removed within the current search', async () => {
    api.call.mockResolvedValueOnce([contact('c1', 'Ana Souza', { phone: '+14155550101' })])
    const store = useContactsStore()
    await store.search('souza')
    api.emit('contacts:changed', contact('c2', 'Zoe Souza'))
    api.emit('contacts:changed', contact('c3', 'Ben Okafor'))
    expect(store.list.map((c) => c.name)).toEqual(['Ana Souza', 'Zoe Souza'])
    api.emit('contacts:changed', contact('c1', 'Ana Lima'))
    expect(store.list.map((c) => c.name)).toEqual(['Zoe Souza'])
    api.emit('contacts:removed', { id: 'c2' })
    expect(store.list).toEqual([])
  })

  it('returns the engine reason and the duplicate id when a save is refused', async () => {
    api.call.mockRejectedValueOnce(
      new ApiRequestError({ code: 'conflict', message: '+14155550101 is already saved as Ana', details: { contactId: 'c1' } } as never),
    )
    const store = useContactsStore()
    const outcome = await store.create({ name: ' Ana ', phone: '415 555 0101', company: '', email: '  ' })
    expect(api.call).toHaveBeenCalledWith('contacts:create', { name: 'Ana', phone: '415 555 0101', company: undefined, email: undefined })
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'conflict', message: '+14155550101 is already saved as Ana', details: { contactId: 'c1' } },
    })
  })

  it('tracks import progress from events and ends at 100% with the summary', async () => {
    const store = useContactsStore()
    let finish!: (value: unknown) => void
    api.call.mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)))
    api.call.mockResolvedValueOnce([])
    const running = store.importText('csv', 'name\nA\n')
    expect(store.importing).toBe(true)
    api.emit('contacts:importProgress', { done: 100, total: 400 })
    expect(store.importPercent).toBe(25)
    finish({ imported: 399, skipped: [{ line: 3, reason: 'No name' }] })
    await running
    expect(store.importing).toBe(false)
    expect(store.importPercent).toBe(100)
    expect(store.importSummary?.imported).toBe(399)
    // Events after the import are not mistaken for a new one.
    api.emit('contacts:importProgress', { done: 1, total: 400 })
    expect(store.importPercent).toBe(100)
  })

  it('starts a WhatsApp conversation without sending the opt-in request', async () => {
    api.call.mockResolvedValueOnce({ id: 'v1' })
    const store = useContactsStore()
    expect(await store.startConversation('c1', 'whatsapp')).toEqual({ conversation: { id: 'v1' } })
    expect(api.call).toHaveBeenCalledWith('conversations:start', { contactId: 'c1', channel: 'whatsapp', requestConsent: false })
  })
})

describe('helpers', () => {
  it('guesses the import format from the name, then the content', () => {
    expect(importFormatFor('people.VCF', '')).toBe('vcard')
    expect(importFormatFor('people.csv', 'BEGIN:VCARD')).toBe('csv')
    expect(importFormatFor('export.txt', '\nBEGIN:VCARD\n')).toBe('vcard')
    expect(importFormatFor('export.txt', 'name,phone')).toBe('csv')
  })

  it('matches a query against name, company and number digits', () => {
    const ana = contact('c1', 'Ana Souza', { company: 'Acme', phone: '+14155550101' })
    expect(matchesQuery(ana, '')).toBe(true)
    expect(matchesQuery(ana, 'acme')).toBe(true)
    expect(matchesQuery(ana, '(415) 555')).toBe(true)
    expect(matchesQuery(ana, 'ben')).toBe(false)
  })
})
