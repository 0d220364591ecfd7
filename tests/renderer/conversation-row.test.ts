// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Conversation } from '../../electron/shared/domain'
import ConversationRow from '../../src/components/messages/ConversationRow.vue'
import ConversationFilters from '../../src/components/messages/ConversationFilters.vue'
import StateBanner from '../../src/components/thread/StateBanner.vue'
import { aConversation } from '../helpers/conversation-fixture'

const NOW = 1_700_000_000_000
const HOUR = 3_600_000
const conversation = (fields: Partial<Conversation> = {}): Conversation =>
  aConversation({ lastActivityAt: NOW, createdAt: NOW, asOf: NOW, ...fields })

function row(c: Conversation, active = false) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] })
  return mount(ConversationRow, { props: { conversation: c, active, now: NOW }, global: { plugins: [router] } })
}

describe('ConversationRow', () => {
  it('links to the thread and shows the name and the last message they sent', () => {
    const wrapper = row(conversation({ lastMessage: { direction: 'in', text: 'See you at 5', at: NOW } }))
    const link = wrapper.get('[data-testid="conversation-row"]')
    expect(link.attributes('href')).toBe('/messages/v1')
    expect(wrapper.get('.name').text()).toBe('Ana Souza')
    expect(wrapper.get('.preview').text()).toBe('See you at 5')
  })

  it('prefixes the preview with "You:" for a message the team sent, and says so when there is none', () => {
    const sent = row(conversation({ lastMessage: { direction: 'out', text: 'On my way', at: NOW } }))
    expect(sent.get('.preview').text()).toBe('You: On my way')
    expect(row(conversation()).get('.preview').text()).toBe('No messages yet')
  })

  it('counts unread messages and marks the open thread as the current page', () => {
    const unread = row(conversation({ unread: 4 }), true)
    expect(unread.get('[data-testid="unread-count"]').text()).toBe('4 unread')
    expect(unread.get('[data-testid="conversation-row"]').attributes('aria-current')).toBe('page')
    const read = row(conversation({ unread: 0 }))
    expect(read.find('[data-testid="unread-count"]').exists()).toBe(false)
    expect(read.get('[data-testid="conversation-row"]').attributes('aria-current')).toBeUndefined()
  })

  it('reads a WhatsApp thread whose 24-hour window has closed as Inactive, not Active', () => {
    const open = row(conversation({ windowClosesAt: NOW + HOUR }))
    expect(open.get('[data-testid="state-chip"]').text()).toBe('Active')
    const closed = row(conversation({ windowClosesAt: NOW - 1 }))
    expect(closed.get('[data-testid="state-chip"]').text()).toBe('Inactive')
  })

  it('tells a declined opt-in from an opt-out, and shows no state chip on SMS', () => {
    expect(
      row(conversation({ state: 'opted_out', consent: 'declined' }))
        .get('[data-testid="state-chip"]')
        .text(),
    ).toBe('Declined')
    expect(
      row(conversation({ state: 'opted_out', consent: 'revoked' }))
        .get('[data-testid="state-chip"]')
        .text(),
    ).toBe('Opted out')
    expect(
      row(conversation({ channel: 'sms' }))
        .find('[data-testid="state-chip"]')
        .exists(),
    ).toBe(false)
  })
})

describe('ConversationFilters', () => {
  it('presses the chosen filter and asks for the one clicked', async () => {
    const wrapper = mount(ConversationFilters, { props: { modelValue: 'all' } })
    expect(wrapper.get('[data-testid="filter-all"]').attributes('aria-pressed')).toBe('true')
    expect(wrapper.get('[data-testid="filter-unread"]').attributes('aria-pressed')).toBe('false')
    await wrapper.get('[data-testid="filter-unread"]').trigger('click')
    expect(wrapper.emitted('update:modelValue')).toEqual([['unread']])
  })
})

describe('StateBanner', () => {
  it('counts down the open 24-hour window', () => {
    const wrapper = mount(StateBanner, {
      props: { conversation: conversation({ windowClosesAt: NOW + 5 * HOUR + 12 * 60_000 }), now: NOW },
    })
    expect(wrapper.get('[data-testid="state-banner-text"]').text()).toBe('Active — window closes in 5 h 12 min')
    expect(wrapper.get('[data-testid="state-banner"]').attributes('data-state')).toBe('active')
  })

  it('says the window closed once the clock passes it, naming the contact', () => {
    const wrapper = mount(StateBanner, { props: { conversation: conversation({ windowClosesAt: NOW - 1 }), now: NOW } })
    expect(wrapper.get('[data-testid="state-banner-text"]').text()).toBe('Inactive — messages will be sent when Ana Souza writes again')
    expect(wrapper.find('[data-testid="banner-sms"]').exists()).toBe(false)
  })

  it('offers an SMS for a number not on WhatsApp, and not while busy', async () => {
    const wrapper = mount(StateBanner, { props: { conversation: conversation({ state: 'not_on_whatsapp' }), now: NOW } })
    await wrapper.get('[data-testid="banner-sms"]').trigger('click')
    expect(wrapper.emitted('sms')).toHaveLength(1)
    await wrapper.setProps({ busy: true })
    expect(wrapper.get('[data-testid="banner-sms"]').attributes('disabled')).toBeDefined()
  })
})
