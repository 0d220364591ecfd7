// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Contact, Conversation } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'
import { aConversation } from '../helpers/conversation-fixture'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { default: ContactHistoryView } = await import('../../src/views/ContactHistoryView.vue')
const { default: ConversationSwitcher } = await import('../../src/components/layout/ConversationSwitcher.vue')
const { useContactsStore } = await import('../../src/stores/contacts')
const { useConversationsStore } = await import('../../src/stores/conversations')

const NOW = 1_700_000_000_000
const ANA: Contact = { id: 'c1', name: 'Ana Souza', phone: '+5511999990000', createdAt: 1, updatedAt: 1 }
const thread = (id: string, fields: Partial<Conversation> = {}): Conversation =>
  aConversation({ id, lastActivityAt: NOW, createdAt: NOW, asOf: NOW, ...fields })
const makeRouter = () =>
  createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] })

async function renderHistory(opened: Awaited<ReturnType<ReturnType<typeof useContactsStore>['open']>>, threads: Conversation[]) {
  const pinia = testingPinia()
  vi.mocked(useContactsStore().open).mockResolvedValue(opened)
  const conversations = useConversationsStore()
  vi.mocked(conversations.listForContact).mockResolvedValue(threads)
  const wrapper = mount(ContactHistoryView, { props: { id: 'c1' }, global: { plugins: [pinia, makeRouter()] } })
  await flushPromises()
  return { wrapper, conversations }
}

describe('ContactHistoryView', () => {
  it('switching contacts quickly never shows the first contact’s slower answer', async () => {
    const pinia = testingPinia()
    const BEN: Contact = { id: 'c2', name: 'Ben Okafor', phone: '+14155550102', createdAt: 1, updatedAt: 1 }
    let answerAna!: () => void
    vi.mocked(useContactsStore().open).mockImplementation((id: string) =>
      id === 'c1' ? new Promise((resolve) => (answerAna = () => resolve({ contact: ANA }))) : Promise.resolve({ contact: BEN }),
    )
    vi.mocked(useConversationsStore().listForContact).mockImplementation(async (id: string) => [
      thread(`t-${id}`, { contactId: id, contactName: id === 'c1' ? 'Ana Souza' : 'Ben Okafor' }),
    ])
    const wrapper = mount(ContactHistoryView, { props: { id: 'c1' }, global: { plugins: [pinia, makeRouter()] } })
    await wrapper.setProps({ id: 'c2' })
    await flushPromises()
    expect(wrapper.text()).toContain('Ben Okafor')
    answerAna()
    await flushPromises()
    expect(wrapper.text()).toContain('Ben Okafor')
    expect(wrapper.text()).not.toContain('Ana Souza')
  })

  it("lists every one of the contact's threads, ended ones marked read-only", async () => {
    const { wrapper, conversations } = await renderHistory({ contact: ANA }, [
      thread('wa', { lastMessage: { direction: 'in', text: 'Thanks!', at: NOW } }),
      thread('old', { channel: 'sms', endedAt: NOW - 5 }),
    ])
    expect(conversations.listForContact).toHaveBeenCalledWith('c1')
    expect(wrapper.get('h1').text()).toBe('Conversations with Ana Souza')
    const rows = wrapper.findAll('[data-testid="history-thread"]')
    expect(rows.map((r) => r.attributes('href'))).toEqual(['/messages/wa', '/messages/old'])
    expect(rows[0].text()).toContain('Active')
    expect(rows[0].text()).toContain('Thanks!')
    expect(rows[1].attributes('data-ended')).toBe('true')
    expect(rows[1].text()).toContain('Ended — read-only')
    expect(rows[1].text()).toContain('No messages yet')
  })

  it('offers WhatsApp always and SMS only to a contact with a phone number', async () => {
    const withPhone = (await renderHistory({ contact: ANA }, [])).wrapper
    expect(withPhone.find('[data-testid="start-whatsapp"]').exists()).toBe(true)
    expect(withPhone.find('[data-testid="start-sms"]').exists()).toBe(true)
    expect(withPhone.get('[data-testid="history-empty"]').text()).toBe('No conversations yet.')
    const { phone: _phone, ...noPhone } = ANA
    const without = (await renderHistory({ contact: noPhone }, [])).wrapper
    expect(without.find('[data-testid="start-sms"]').exists()).toBe(false)
  })

  it("keeps the threads on show and names the contact from them when the contact can't be opened", async () => {
    const { wrapper } = await renderHistory({ error: { code: 'not_found', message: 'This contact was deleted.' } }, [thread('wa')])
    expect(wrapper.get('[role="alert"]').text()).toBe('This contact was deleted.')
    expect(wrapper.get('h1').text()).toBe('Conversations with Ana Souza')
    expect(wrapper.findAll('[data-testid="history-thread"]')).toHaveLength(1)
    expect(wrapper.find('[data-testid="start-whatsapp"]').exists()).toBe(false)
  })

  it('updates a row live as the thread changes', async () => {
    const { wrapper, conversations } = await renderHistory({ contact: ANA }, [thread('wa')])
    conversations.byId = { wa: thread('wa', { unread: 2, lastMessage: { direction: 'in', text: 'Are you there?', at: NOW } }) }
    await flushPromises()
    const row = wrapper.get('[data-testid="history-thread"]')
    expect(row.text()).toContain('Are you there?')
    expect(row.get('.unread').text()).toBe('2 unread')
  })
})

describe('ConversationSwitcher', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  async function renderSwitcher(threads: Conversation[]) {
    const pinia = createPinia()
    setActivePinia(pinia)
    const store = useConversationsStore()
    for (const c of threads) store.put(c)
    const router = makeRouter()
    await router.push('/messages')
    const wrapper = mount(ConversationSwitcher, { props: { open: true }, global: { plugins: [pinia, router] }, attachTo: document.body })
    await flushPromises()
    return { wrapper, router }
  }
  const options = (wrapper: Awaited<ReturnType<typeof renderSwitcher>>['wrapper']) =>
    wrapper.findAll('[data-testid="switcher-option"] .name').map((o) => o.text())
  const threads = [
    thread('v1', { contactName: 'Chloé Martin', lastActivityAt: NOW }),
    thread('v2', { contactName: 'Bo Chen', lastActivityAt: NOW - 1, channel: 'sms', unread: 3 }),
    thread('v3', { contactName: 'Carla Dias', lastActivityAt: NOW - 2 }),
  ]

  it('opens with the cursor in the box and the current threads newest first', async () => {
    const { wrapper } = await renderSwitcher(threads)
    expect((wrapper.get('dialog').element as HTMLDialogElement).open).toBe(true)
    expect(document.activeElement).toBe(wrapper.get('[data-testid="switcher-input"]').element)
    expect(options(wrapper)).toEqual(['Chloé Martin', 'Bo Chen', 'Carla Dias'])
    expect(wrapper.findAll('[data-testid="switcher-option"]')[1].text()).toContain('3 unread')
  })

  it('matches typed text ignoring accents and case, and opens the chosen thread with Enter', async () => {
    const { wrapper, router } = await renderSwitcher(threads)
    const input = wrapper.get('[data-testid="switcher-input"]')
    await input.setValue('C')
    expect(options(wrapper)).toEqual(['Chloé Martin', 'Bo Chen', 'Carla Dias'])
    await input.setValue('chloe')
    expect(options(wrapper)).toEqual(['Chloé Martin'])
    await input.setValue('ca')
    expect(options(wrapper)).toEqual(['Carla Dias'])
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(wrapper.emitted('close')).toHaveLength(1)
    expect(router.currentRoute.value.path).toBe('/messages/v3')
  })

  it('moves the choice with the arrow keys, wrapping around', async () => {
    const { wrapper, router } = await renderSwitcher(threads)
    const input = wrapper.get('[data-testid="switcher-input"]')
    await input.trigger('keydown', { key: 'ArrowUp' })
    expect(input.attributes('aria-activedescendant')).toBe('switcher-2')
    await input.trigger('keydown', { key: 'ArrowDown' })
    await input.trigger('keydown', { key: 'ArrowDown' })
    expect(wrapper.findAll('[data-testid="switcher-option"]')[1].attributes('aria-selected')).toBe('true')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/messages/v2')
  })

  it('says when no thread has that name, and Enter then goes nowhere', async () => {
    const { wrapper, router } = await renderSwitcher(threads)
    await wrapper.get('[data-testid="switcher-input"]').setValue('zz')
    expect(wrapper.get('[data-testid="switcher-empty"]').text()).toBe('No conversation with that name.')
    await wrapper.get('[data-testid="switcher-input"]').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(wrapper.emitted('close')).toBeUndefined()
    expect(router.currentRoute.value.path).toBe('/messages')
  })

  it('shows at most eight threads', async () => {
    const many = Array.from({ length: 12 }, (_, i) => thread(`v${i}`, { contactName: `Person ${i}`, lastActivityAt: NOW - i }))
    const { wrapper } = await renderSwitcher(many)
    expect(options(wrapper)).toHaveLength(8)
  })
})
