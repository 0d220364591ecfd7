// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Message, MessageDirection } from '../../electron/shared/domain'
import SearchResultGroup from '../../src/components/search/SearchResultGroup.vue'

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
} as Message)

describe('SearchResultGroup', () => {
  it('credits system lines to Greenline, not to you', async () => {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { template: '<div />' } }] })
    const hits = [message('m1', 'system'), message('m2', 'in'), message('m3', 'out'), message('m4', 'out', { authorName: 'Marco' })].map((m) => ({
      message: m,
      conversationId: 'v1',
      snippet: 'order',
      highlights: [] as Array<[number, number]>,
    }))
    const wrapper = mount(SearchResultGroup, { props: { group: { conversationId: 'v1', title: 'Ana Souza', channel: 'whatsapp', hits } }, global: { plugins: [router] } })
    const authors = wrapper.findAll('[data-testid="search-result-author"]').map((w) => w.text())
    expect(authors).toEqual(['Greenline', 'Ana Souza', 'You', 'Marco'])
  })
})
