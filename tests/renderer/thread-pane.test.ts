// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Conversation, Message } from '../../electron/shared/domain'
import { aConversation } from '../helpers/conversation-fixture'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { default: ThreadPane } = await import('../../src/components/thread/ThreadPane.vue')
const { default: MessageBubble } = await import('../../src/components/thread/MessageBubble.vue')

const NOW = 1_700_000_000_000
const conversation = (fields: Partial<Conversation> = {}): Conversation =>
  aConversation({ channel: 'sms', consent: 'none', lastActivityAt: NOW, createdAt: NOW, asOf: NOW, ...fields })

async function renderThread(c: Conversation, extra: { messages?: unknown[]; focusMessageId?: string } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  api.call.mockImplementation(async (channel: string) => {
    if (channel === 'conversations:get') return c
    if (channel === 'messages:list') return extra.messages ?? []
    if (channel === 'conversations:markRead') return undefined
    if (channel === 'conversations:start') return { ...c, id: 'v2', channel: 'sms' }
    return undefined
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:pathMatch(.*)*', component: { template: '<div />' } }],
  })
  await router.push(`/messages/${c.id}`)
  const wrapper = mount(ThreadPane, {
    props: { conversationId: c.id, focusMessageId: extra.focusMessageId },
    global: { plugins: [pinia, router] },
    attachTo: document.body,
  })
  await flushPromises()
  return { wrapper, router }
}

describe('ThreadPane', () => {
  beforeEach(() => {
    api.call.mockReset()
    api.listeners.clear()
  })
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('puts the cursor in the composer when a thread opens, once its first frame is painted', async () => {
    const frames: FrameRequestCallback[] = []
    const raf = vi.spyOn(globalThis, 'requestAnimationFrame').mockImplementation((callback) => frames.push(callback))
    try {
      const { wrapper } = await renderThread(conversation())
      const input = wrapper.get('[data-testid="composer-input"]').element
      expect(document.activeElement).not.toBe(input)
      for (const frame of frames.splice(0)) frame(performance.now())
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(document.activeElement).toBe(input)
      wrapper.unmount()
    } finally {
      raf.mockRestore()
    }
  })

  it('marks an unread thread read only once its messages have been painted (issue 21)', async () => {
    const frames: FrameRequestCallback[] = []
    const raf = vi.spyOn(globalThis, 'requestAnimationFrame').mockImplementation((callback) => frames.push(callback))
    try {
      const { wrapper } = await renderThread(conversation({ unread: 3 }))
      const markReads = () => api.call.mock.calls.filter(([channel]) => channel === 'conversations:markRead').length
      expect(markReads()).toBe(0)
      for (const frame of frames.splice(0)) frame(performance.now())
      await new Promise((resolve) => setTimeout(resolve, 0))
      await flushPromises()
      expect(markReads()).toBe(1)
      wrapper.unmount()
    } finally {
      raf.mockRestore()
    }
  })
})

describe('MessageBubble retry', () => {
  const failed = (fields: Partial<Message>): Message => ({
    id: 'm1',
    seq: 1,
    conversationId: 'v1',
    direction: 'out',
    kind: 'text',
    text: 'Hi',
    status: 'failed',
    createdAt: 1,
    updatedAt: 1,
    ...fields,
  })

  it('offers no Retry for an opt-in request that found the number not on WhatsApp', () => {
    const wrapper = mount(MessageBubble, {
      props: {
        message: failed({ kind: 'template', errorCode: 131026, error: "This person can't receive WhatsApp messages" }),
        contactName: 'Dan',
      },
    })
    expect(wrapper.get('[data-testid="message-error"]').text()).toContain("can't receive WhatsApp")
    expect(wrapper.find('[data-testid="message-retry"]').exists()).toBe(false)
  })

  it('still offers Retry for other failures', () => {
    const wrapper = mount(MessageBubble, { props: { message: failed({ errorCode: 131000 }), contactName: 'Dan' } })
    expect(wrapper.find('[data-testid="message-retry"]').exists()).toBe(true)
  })
})

describe('ThreadPane voicemail', () => {
  beforeEach(() => {
    api.call.mockReset()
    api.listeners.clear()
  })

  it('has no composer on a voicemail thread; Reply by SMS opens the SMS thread', async () => {
    const { wrapper, router } = await renderThread(conversation({ channel: 'voicemail' }))
    expect(wrapper.find('[data-testid="composer-input"]').exists()).toBe(false)
    await wrapper.get('[data-testid="voicemail-reply-sms"]').trigger('click')
    await flushPromises()
    expect(api.call).toHaveBeenCalledWith('conversations:start', expect.objectContaining({ contactId: 'c1', channel: 'sms' }))
    expect(router.currentRoute.value.fullPath).toBe('/messages/v2')
    wrapper.unmount()
  })
})
