// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Conversation } from '../../electron/shared/domain'
import { aConversation } from '../helpers/conversation-fixture'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { default: QuickReplyView } = await import('../../src/views/QuickReplyView.vue')

const NOW = 1_700_000_000_000
const conversation = (fields: Partial<Conversation> = {}): Conversation =>
  aConversation({ channel: 'sms', consent: 'none', lastActivityAt: NOW, createdAt: NOW, asOf: NOW, ...fields })

async function render(c: Conversation) {
  api.call.mockImplementation(async (channel: string) => {
    if (channel === 'conversations:get') return c
    if (channel === 'messages:list') return []
    return undefined
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:pathMatch(.*)*', component: { template: '<div />' } }],
  })
  const wrapper = mount(QuickReplyView, { props: { id: c.id }, global: { plugins: [router] } })
  await flushPromises()
  return wrapper
}

describe('QuickReplyView', () => {
  beforeEach(() => {
    api.call.mockReset()
    api.listeners.clear()
  })

  it('offers a reply box on an open conversation', async () => {
    const wrapper = await render(conversation())
    expect(wrapper.find('[data-testid="quick-reply-input"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="quick-reply-blocked"]').exists()).toBe(false)
  })

  it('offers no reply box on an ended conversation, and says why', async () => {
    const wrapper = await render(conversation({ state: 'ended', endedAt: NOW }))
    expect(wrapper.find('[data-testid="quick-reply-input"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="quick-reply-blocked"]').text()).toContain('ended')
  })

  it('offers no reply box on a voicemail', async () => {
    const wrapper = await render(conversation({ channel: 'voicemail' }))
    expect(wrapper.find('[data-testid="quick-reply-input"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="quick-reply-blocked"]').text()).toContain('voicemail')
  })
})
