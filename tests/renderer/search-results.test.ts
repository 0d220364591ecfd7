// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Message, MessageDirection } from '../../electron/shared/domain'
vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi } = await import('../helpers/fake-api-client')
fakeApi.call.mockResolvedValue([])

const { default: SearchResultGroup } = await import('../../src/components/search/SearchResultGroup.vue')
const { useSearchStore } = await import('../../src/stores/search')

const message = (id: string, direction: MessageDirection, extra: Partial<Message> = {}): Message => ({
  id,
  seq: 1,
  conversationId: 'v1',
  direction,
  kind: 'text',
  text: 'order',
  status: direction === 'out' ? 'sent' : 'received',
  createdAt: 1,
  updatedAt: 1,
  ...extra,
})

describe('SearchResultGroup', () => {
  it('credits system lines to Greenline, not to you', async () => {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/:pathMatch(.*)*', component: { template: '<div />' } }],
    })
    const hits = [message('m1', 'system'), message('m2', 'in'), message('m3', 'out'), message('m4', 'out', { authorName: 'Marco' })].map(
      (m) => ({
        message: m,
        conversationId: 'v1',
        snippet: 'order',
        highlights: [] as Array<[number, number]>,
        thread: { contactName: 'Ana Souza', channel: 'whatsapp' as const, ended: false, current: true },
      }),
    )
    const wrapper = mount(SearchResultGroup, {
      props: { group: { conversationId: 'v1', title: 'Ana Souza', channel: 'whatsapp', hits } },
      global: { plugins: [router] },
    })
    const authors = wrapper.findAll('[data-testid="search-result-author"]').map((w) => w.text())
    expect(authors).toEqual(['Greenline', 'Ana Souza', 'You', 'Marco'])
  })

  it('says when the thread a hit is in has ended or was left', async () => {
    setActivePinia(createPinia())
    const store = useSearchStore()
    const hit = (conversationId: string, ended: boolean, current: boolean) => ({
      message: message(`m-${conversationId}`, 'in', { conversationId }),
      conversationId,
      snippet: 'order',
      highlights: [] as Array<[number, number]>,
      thread: { contactName: 'Ben Okafor', channel: 'whatsapp' as const, ended, current },
    })
    store.hits = [hit('open', false, true), hit('ended', true, true), hit('transferred', true, false)]
    expect(store.groups.map((g) => [g.title, g.status])).toEqual([
      ['Ben Okafor', undefined],
      ['Ben Okafor', 'Ended'],
      ['Ben Okafor', 'Ended · you had left it'],
    ])
  })
})
