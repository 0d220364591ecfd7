// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, type PropType } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Conversation } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'
import { aConversation } from '../helpers/conversation-fixture'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { default: ConversationList } = await import('../../src/components/messages/ConversationList.vue')
const { default: ThreadHeader } = await import('../../src/components/thread/ThreadHeader.vue')
const { default: NotificationPrompt } = await import('../../src/components/messages/NotificationPrompt.vue')
const { notificationPermission } = await import('../../src/composables/useUnreadCues')
const { usePreferencesStore } = await import('../../src/stores/preferences')

const NOW = 1_700_000_000_000
const conversation = (id: string, fields: Partial<Conversation> = {}): Conversation =>
  aConversation({ id, contactId: `c-${id}`, contactName: id, lastActivityAt: NOW, createdAt: NOW, asOf: NOW, ...fields })

/** happy-dom lays nothing out, so the virtual scroller would show no row: this one shows them all. */
const AllRows = defineComponent({
  props: { items: { type: Array as PropType<Conversation[]>, required: true } },
  setup:
    (props, { slots }) =>
    () =>
      h(
        'div',
        { 'data-testid': 'conversation-list' },
        props.items.map((item) => slots.default?.({ item, active: true })),
      ),
})

const router = () =>
  createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] })

async function renderList(threads: Conversation[], activeId?: string) {
  setActivePinia(createPinia())
  api.answer({ 'conversations:list': threads })
  const wrapper = mount(ConversationList, { props: { activeId }, global: { plugins: [router()], stubs: { RecycleScroller: AllRows } } })
  await flushPromises()
  return wrapper
}
const names = (wrapper: Awaited<ReturnType<typeof renderList>>) =>
  wrapper.findAll('[data-testid="conversation-row"] .name').map((n) => n.text())

describe('ConversationList', () => {
  beforeEach(() => api.reset())

  it('loads the threads when it opens, newest activity first, and marks the open one', async () => {
    const wrapper = await renderList(
      [conversation('Older', { lastActivityAt: NOW - 10 }), conversation('Newer', { lastActivityAt: NOW, unread: 2 })],
      'Older',
    )
    expect(api.call).toHaveBeenCalledWith('conversations:list', { limit: 100 })
    expect(names(wrapper)).toEqual(['Newer', 'Older'])
    expect(wrapper.get('[aria-current="page"]').attributes('data-id')).toBe('Older')
  })

  it('filters by the name typed, ignoring case and accents', async () => {
    const wrapper = await renderList([conversation('Chloé Martin'), conversation('Bo Chen', { lastActivityAt: NOW - 1 })])
    await wrapper.get('[data-testid="conversations-query"]').setValue('chloe')
    expect(names(wrapper)).toEqual(['Chloé Martin'])
    await wrapper.get('[data-testid="conversations-query"]').setValue('nobody')
    expect(names(wrapper)).toEqual([])
    expect(wrapper.get('[data-testid="conversations-empty"]').text()).toBe('No conversation with that name.')
  })

  it('filters by channel and says when a filter leaves nothing', async () => {
    const wrapper = await renderList([conversation('Ana', { channel: 'sms' }), conversation('Bo', { lastActivityAt: NOW - 1 })])
    await wrapper.get('[data-testid="filter-sms"]').trigger('click')
    expect(names(wrapper)).toEqual(['Ana'])
    await wrapper.get('[data-testid="filter-unread"]').trigger('click')
    expect(wrapper.get('[data-testid="conversations-empty"]').text()).toBe('No conversations match this filter.')
  })

  it('invites starting a conversation when there is none yet', async () => {
    const wrapper = await renderList([])
    expect(wrapper.get('[data-testid="conversations-empty"]').text()).toBe('No conversations yet. Start one from a contact.')
  })

  it('says why the list could not load', async () => {
    setActivePinia(createPinia())
    api.call.mockRejectedValue(new Error('The engine is not running'))
    const wrapper = mount(ConversationList, { global: { plugins: [router()], stubs: { RecycleScroller: AllRows } } })
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('The engine is not running')
    expect(wrapper.find('[data-testid="conversations-empty"]').exists()).toBe(false)
  })
})

describe('ThreadHeader', () => {
  const mountHeader = (c: Conversation) =>
    mount(ThreadHeader, { props: { conversation: c }, global: { plugins: [testingPinia(), router()] } })

  it("links the contact's name to their details and history", () => {
    const wrapper = mountHeader(conversation('v1', { contactId: 'c9', contactName: 'Ana Souza' }))
    const contact = wrapper.get('[data-testid="thread-contact"]')
    expect(contact.text()).toBe('Ana Souza')
    expect(contact.attributes('href')).toBe('/contacts/c9')
    expect(wrapper.get('a.history').attributes('href')).toBe('/contacts/c9/history')
  })

  it('names only the colleagues still in the thread, and says when it ended', () => {
    const wrapper = mountHeader(
      conversation('v1', {
        participants: [
          { userId: 'priya', name: 'Priya Shah', joinedAt: 1 },
          { userId: 'sam', name: 'Sam Lee', joinedAt: 1, leftAt: 2 },
          { userId: 'bo', name: 'Bo Chen', joinedAt: 1 },
        ],
        endedAt: NOW,
      }),
    )
    const line = wrapper.get('.who .muted').text()
    expect(line).toContain('with Priya Shah, Bo Chen')
    expect(line).not.toContain('Sam Lee')
    expect(line).toContain('ended')
  })

  it('says nothing about colleagues or an end for an open thread of one', () => {
    const line = mountHeader(conversation('v1')).get('.who .muted').text()
    expect(line).not.toContain('with')
    expect(line).not.toContain('ended')
  })
})

describe('NotificationPrompt', () => {
  afterEach(() => {
    notificationPermission.value = 'unsupported'
    vi.unstubAllGlobals()
  })

  function renderPrompt(notifications = true) {
    const pinia = testingPinia()
    usePreferencesStore().notifications = notifications
    return mount(NotificationPrompt, { global: { plugins: [pinia] } })
  }

  it('asks only while the browser has not been asked and notifications are on', () => {
    notificationPermission.value = 'default'
    expect(renderPrompt().find('[data-testid="notification-prompt"]').exists()).toBe(true)
    expect(renderPrompt(false).find('[data-testid="notification-prompt"]').exists()).toBe(false)
    notificationPermission.value = 'denied'
    expect(renderPrompt().find('[data-testid="notification-prompt"]').exists()).toBe(false)
  })

  it('"Not now" turns notifications off and goes away', async () => {
    notificationPermission.value = 'default'
    const wrapper = renderPrompt()
    await wrapper.get('[data-testid="notification-not-now"]').trigger('click')
    expect(usePreferencesStore().notifications).toBe(false)
    expect(wrapper.find('[data-testid="notification-prompt"]').exists()).toBe(false)
  })

  it('"Turn on" asks the browser, and the prompt goes once it answered', async () => {
    notificationPermission.value = 'default'
    const requestPermission = vi.fn().mockResolvedValue('granted')
    vi.stubGlobal('Notification', { permission: 'default', requestPermission })
    const wrapper = renderPrompt()
    await wrapper.get('[data-testid="notification-allow"]').trigger('click')
    await flushPromises()
    expect(requestPermission).toHaveBeenCalledOnce()
    expect(wrapper.find('[data-testid="notification-prompt"]').exists()).toBe(false)
  })
})
