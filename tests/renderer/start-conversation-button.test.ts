// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Conversation } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { default: StartConversationButton } = await import('../../src/components/thread/StartConversationButton.vue')
const { default: InlineConfirm } = await import('../../src/components/shared/InlineConfirm.vue')
const { useConversationsStore } = await import('../../src/stores/conversations')

const thread = (fields: Partial<Conversation> = {}): Conversation => ({
  id: 'v1',
  contactId: 'c1',
  contactName: 'Ana Souza',
  channel: 'whatsapp',
  state: 'active',
  consent: 'granted',
  participants: [{ userId: 'priya', name: 'Priya Shah', joinedAt: 1 }],
  unread: 0,
  lastActivityAt: 1,
  createdAt: 1,
  asOf: 1,
  ...fields,
})

/** The button for Ana on a channel; the store's actions are spies answering what the test gives. */
async function render(channel: 'whatsapp' | 'sms', threads: Conversation[]) {
  const pinia = testingPinia()
  const store = useConversationsStore()
  vi.mocked(store.listForContact).mockResolvedValue(threads)
  vi.mocked(store.start).mockImplementation(async (_contactId, ch, newThread) =>
    thread({ id: newThread ? 'v-new' : 'v-started', channel: ch }),
  )
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] })
  await router.push('/contacts/c1')
  const wrapper = mount(StartConversationButton, {
    props: { contactId: 'c1', contactName: 'Ana Souza', channel },
    global: { plugins: [pinia, router] },
    attachTo: document.body,
  })
  return { wrapper, store, router }
}

describe('StartConversationButton', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('starts a WhatsApp thread and opens it when there is no open one', async () => {
    const { wrapper, store, router } = await render('whatsapp', [thread({ id: 'old', endedAt: 5 })])
    expect(wrapper.get('[data-testid="start-whatsapp"]').text()).toBe('Message on WhatsApp')
    await wrapper.get('[data-testid="start-whatsapp"]').trigger('click')
    await flushPromises()
    expect(store.listForContact).toHaveBeenCalledWith('c1')
    expect(store.start).toHaveBeenCalledWith('c1', 'whatsapp')
    expect(router.currentRoute.value.path).toBe('/messages/v-started')
  })

  it('asks whether to continue an open WhatsApp thread, and continues it without starting one', async () => {
    const { wrapper, store, router } = await render('whatsapp', [thread({ id: 'open' })])
    await wrapper.get('[data-testid="start-whatsapp"]').trigger('click')
    await flushPromises()
    const dialog = wrapper.get('dialog').element as HTMLDialogElement
    expect(dialog.open).toBe(true)
    expect(wrapper.get('dialog').text()).toContain('You already have an open WhatsApp conversation with Ana Souza.')
    expect(router.currentRoute.value.path).toBe('/contacts/c1')
    await wrapper.get('[data-testid="continue-thread"]').trigger('click')
    await flushPromises()
    expect(store.start).not.toHaveBeenCalled()
    expect(router.currentRoute.value.path).toBe('/messages/open')
    expect(dialog.open).toBe(false)
  })

  it('starts a new thread on request even though one is open', async () => {
    const { wrapper, store, router } = await render('whatsapp', [thread({ id: 'open' })])
    await wrapper.get('[data-testid="start-whatsapp"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="start-new-thread"]').trigger('click')
    await flushPromises()
    expect(store.start).toHaveBeenCalledWith('c1', 'whatsapp', true)
    expect(router.currentRoute.value.path).toBe('/messages/v-new')
  })

  it('goes straight to the open SMS thread without asking', async () => {
    const { wrapper, store, router } = await render('sms', [thread({ id: 'sms-open', channel: 'sms' }), thread({ id: 'wa-open' })])
    expect(wrapper.find('dialog').exists()).toBe(false)
    await wrapper.get('[data-testid="start-sms"]').trigger('click')
    await flushPromises()
    expect(store.start).not.toHaveBeenCalled()
    expect(router.currentRoute.value.path).toBe('/messages/sms-open')
  })

  it('shows why a thread could not be started and stays on the page', async () => {
    const { wrapper, store, router } = await render('sms', [])
    vi.mocked(store.start).mockRejectedValue(new Error('This contact has no phone number'))
    await wrapper.get('[data-testid="start-sms"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('This contact has no phone number')
    expect(router.currentRoute.value.path).toBe('/contacts/c1')
    expect(wrapper.get('[data-testid="start-sms"]').attributes('disabled')).toBeUndefined()
  })
})

describe('InlineConfirm', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('puts the focus on Cancel so Enter does not confirm by accident', async () => {
    const wrapper = mount(InlineConfirm, { props: { question: 'Remove Sam?', confirmLabel: 'Remove' }, attachTo: document.body })
    await flushPromises()
    expect(document.activeElement).toBe(wrapper.get('[data-testid="confirm-no"]').element)
    expect(wrapper.get('[role="group"]').attributes('aria-describedby')).toBeUndefined()
  })

  it('confirms with its button and cancels with Cancel or Escape', async () => {
    const wrapper = mount(InlineConfirm, {
      props: { question: 'Remove Sam?', detail: 'Sam stops seeing this thread.', confirmLabel: 'Remove' },
    })
    expect(wrapper.text()).toContain('Sam stops seeing this thread.')
    await wrapper.get('[data-testid="confirm-yes"]').trigger('click')
    expect(wrapper.emitted('confirm')).toHaveLength(1)
    await wrapper.get('[data-testid="confirm-no"]').trigger('click')
    await wrapper.get('[role="group"]').trigger('keydown', { key: 'Escape' })
    expect(wrapper.emitted('cancel')).toHaveLength(2)
  })

  it('disables both answers while busy', () => {
    const wrapper = mount(InlineConfirm, { props: { question: 'Remove Sam?', confirmLabel: 'Remove', busy: true } })
    expect(wrapper.get('[data-testid="confirm-yes"]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('[data-testid="confirm-no"]').attributes('disabled')).toBeDefined()
  })
})
