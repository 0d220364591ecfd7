// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Contact, Conversation, SearchHit } from '../../electron/shared/domain'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { default: SearchView } = await import('../../src/views/SearchView.vue')
const { default: ContactList } = await import('../../src/components/contacts/ContactList.vue')

const makeRouter = () =>
  createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] })

const hit = (id: string, conversationId: string, contactName: string): SearchHit => ({
  message: {
    id,
    seq: 1,
    conversationId,
    direction: 'in',
    kind: 'text',
    text: 'the invoice',
    status: 'delivered',
    createdAt: 1,
    updatedAt: 1,
  },
  conversationId,
  snippet: 'the invoice',
  highlights: [[4, 11]],
  thread: { contactName, channel: 'whatsapp', ended: false, current: true },
})
const known = (id: string, contactName: string): Conversation => ({
  id,
  contactId: `c-${id}`,
  contactName,
  channel: 'whatsapp',
  state: 'active',
  consent: 'granted',
  participants: [],
  unread: 0,
  lastActivityAt: 1,
  createdAt: 1,
  asOf: 1,
})

describe('SearchView', () => {
  beforeEach(() => {
    api.reset()
    setActivePinia(createPinia())
    // Only the debounce's timer is played by the test; promises settle as usual.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })
  afterEach(() => {
    vi.useRealTimers()
    document.body.innerHTML = ''
  })

  const searches = () => api.call.mock.calls.filter(([channel]) => channel === 'search:messages').map(([, payload]) => payload)

  function answer(hits: SearchHit[]) {
    api.answer({
      'search:messages': hits,
      'conversations:get': ({ id }: { id: string }) => known(id, hits.find((h) => h.conversationId === id)!.thread.contactName),
    })
  }

  it('puts the cursor in the search box', async () => {
    const wrapper = mount(SearchView, { global: { plugins: [makeRouter()] }, attachTo: document.body })
    await flushPromises()
    expect(document.activeElement).toBe(wrapper.get('[data-testid="search-input"]').element)
  })

  it('searches once typing pauses, for the last text typed only', async () => {
    answer([])
    const wrapper = mount(SearchView, { global: { plugins: [makeRouter()] } })
    const input = wrapper.get('[data-testid="search-input"]')
    await input.setValue('inv')
    vi.advanceTimersByTime(150)
    await input.setValue('invoice')
    vi.advanceTimersByTime(199)
    expect(searches()).toEqual([])
    vi.advanceTimersByTime(1)
    await flushPromises()
    expect(searches()).toEqual([{ query: 'invoice', limit: 100 }])
    expect(wrapper.get('[data-testid="search-status"]').text()).toBe('No messages match “invoice”.')
  })

  it('searches at once on Enter, and counts the messages and the conversations found', async () => {
    answer([hit('m1', 'v1', 'Ana Souza'), hit('m2', 'v1', 'Ana Souza'), hit('m3', 'v2', 'Bo Chen')])
    const wrapper = mount(SearchView, { global: { plugins: [makeRouter()] } })
    await wrapper.get('[data-testid="search-input"]').setValue('invoice')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(searches()).toEqual([{ query: 'invoice', limit: 100 }])
    expect(wrapper.get('[data-testid="search-status"]').text()).toBe('3 messages in 2 conversations')
    expect(wrapper.findAll('[data-testid="search-group"]')).toHaveLength(2)
    // The debounce from typing does not search a second time.
    vi.advanceTimersByTime(500)
    await flushPromises()
    expect(searches()).toHaveLength(1)
  })

  it('offers older results after a full page, and adds them below', async () => {
    const page = (from: number, count: number) => Array.from({ length: count }, (_, i) => hit(`m${from + i}`, 'v1', 'Ana Souza'))
    api.answer({
      'search:messages': ({ before }: { before?: string }) => (before ? page(100, 5) : page(0, 100)),
      'conversations:get': ({ id }: { id: string }) => known(id, 'Ana Souza'),
    })
    const wrapper = mount(SearchView, { global: { plugins: [makeRouter()] } })
    await wrapper.get('[data-testid="search-input"]').setValue('invoice')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="search-status"]').text()).toBe('100 messages in 1 conversation')

    await wrapper.get('[data-testid="search-more"]').trigger('click')
    await flushPromises()
    expect(searches()).toEqual([
      { query: 'invoice', limit: 100 },
      { query: 'invoice', limit: 100, before: 'm99' },
    ])
    expect(wrapper.get('[data-testid="search-status"]').text()).toBe('105 messages in 1 conversation')
    expect(wrapper.find('[data-testid="search-more"]').exists()).toBe(false)
  })

  it('says why the search failed', async () => {
    api.call.mockRejectedValue(new Error('The search index is being rebuilt'))
    const wrapper = mount(SearchView, { global: { plugins: [makeRouter()] } })
    await wrapper.get('[data-testid="search-input"]').setValue('invoice')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('The search index is being rebuilt')
  })
})

describe('ContactList', () => {
  const contact = (id: string, name: string, fields: Partial<Contact> = {}): Contact => ({
    id,
    name,
    createdAt: 1,
    updatedAt: 1,
    ...fields,
  })
  const contacts = [
    contact('c1', 'Ana Souza', { phone: '+14155550123', company: 'Acme' }),
    contact('c2', 'Bo Chen'),
    contact('c3', 'Carla Dias', { phone: 'not-a-number' }),
  ]
  afterEach(() => {
    document.body.innerHTML = ''
  })

  function renderContacts() {
    return mount(ContactList, { props: { contacts }, global: { plugins: [makeRouter()] }, attachTo: document.body })
  }
  const row = (wrapper: ReturnType<typeof renderContacts>, index: number) => wrapper.findAll('[data-testid="contact-row"]')[index]

  it('links each contact to their details with the number in international form', () => {
    const wrapper = renderContacts()
    expect(row(wrapper, 0).attributes('href')).toBe('/contacts/c1')
    expect(row(wrapper, 0).get('.contact-number').text()).toBe('+1 415 555 0123')
    expect(row(wrapper, 0).get('.contact-company').text()).toBe('Acme')
    expect(row(wrapper, 1).find('.contact-company').exists()).toBe(false)
    expect(row(wrapper, 1).get('.contact-number').text()).toBe('')
    expect(row(wrapper, 2).get('.contact-number').text()).toBe('not-a-number')
  })

  it('moves between rows with the arrow keys, stopping at either end', async () => {
    const wrapper = renderContacts()
    ;(wrapper.vm as unknown as { focusFirst(): void }).focusFirst()
    expect(document.activeElement).toBe(row(wrapper, 0).element)
    await row(wrapper, 0).trigger('keydown', { key: 'ArrowUp' })
    expect(document.activeElement).toBe(row(wrapper, 0).element)
    await row(wrapper, 0).trigger('keydown', { key: 'ArrowDown' })
    await row(wrapper, 1).trigger('keydown', { key: 'ArrowDown' })
    expect(document.activeElement).toBe(row(wrapper, 2).element)
    await row(wrapper, 2).trigger('keydown', { key: 'ArrowDown' })
    expect(document.activeElement).toBe(row(wrapper, 2).element)
  })
})
