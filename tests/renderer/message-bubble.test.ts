// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Message } from '../../electron/shared/domain'
import MessageBubble from '../../src/components/thread/MessageBubble.vue'

const NOW = 1_700_000_000_000
const message = (fields: Partial<Message> = {}): Message => ({
  id: 'm1',
  seq: 1,
  conversationId: 'v1',
  direction: 'in',
  kind: 'text',
  text: 'The gate code is 4417',
  status: 'received',
  createdAt: NOW,
  updatedAt: NOW,
  ...fields,
})

function render(m: Message) {
  return mount(MessageBubble, { props: { message: m, contactName: 'Ana Souza' }, global: { stubs: { MessageBody: true } } })
}

describe('MessageBubble hover actions', () => {
  afterEach(() => vi.restoreAllMocks())

  it('Copy puts the message’s words on the clipboard and says so until the pointer leaves', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined)
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const wrapper = render(message())
    await wrapper.get('[data-testid="message-copy"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="message-copy-result"]').exists()).toBe(true))
    expect(writeText).toHaveBeenCalledWith('The gate code is 4417')
    expect(wrapper.get('[data-testid="message-copy-result"]').text()).toBe('Copied.')
    await wrapper.get('.actions.quick').trigger('pointerleave')
    expect(wrapper.find('[data-testid="message-copy-result"]').exists()).toBe(false)
  })

  it('copies a picture’s caption; says plainly when the clipboard refuses; nothing to copy, no button', async () => {
    const writeText = vi.fn().mockRejectedValue(new Error('denied'))
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const picture = render(message({ kind: 'image', text: undefined, media: { state: 'ready', caption: 'The shelf' } }))
    await picture.get('[data-testid="message-copy"]').trigger('click')
    await vi.waitFor(() => expect(picture.find('[data-testid="message-copy-result"]').exists()).toBe(true))
    expect(writeText).toHaveBeenCalledWith('The shelf')
    expect(picture.get('[data-testid="message-copy-result"]').text()).toContain('select the text and copy it yourself')

    const voicemail = render(message({ kind: 'audio', text: undefined, media: { state: 'ready' } }))
    expect(voicemail.find('[data-testid="message-copy"]').exists()).toBe(false)
  })
})

describe('MessageBubble in team mode offline', () => {
  it('a message written offline says it waits for the connection and can be taken back; one the server refused says why', () => {
    const waiting = render(message({ id: 'outbox:c1', seq: Number.MAX_SAFE_INTEGER - 1, direction: 'out', status: 'queued' }))
    expect(waiting.get('[data-testid="message-hold-reason"]').text()).toBe(
      'Waiting for connection — it goes out when Greenline reaches your office’s server',
    )
    expect(waiting.find('[data-testid="message-cancel"]').exists()).toBe(true)
    // A message queued by the server (its turn) keeps its own words.
    expect(
      render(message({ direction: 'out', status: 'queued' }))
        .get('[data-testid="message-hold-reason"]')
        .text(),
    ).toBe('Queued — it goes out in turn')
    const refused = render(message({ id: 'outbox:c2', direction: 'out', status: 'failed', error: 'This conversation has ended' }))
    expect(refused.get('[data-testid="message-error"]').text()).toContain('This conversation has ended')
    expect(refused.find('[data-testid="message-retry"]').exists()).toBe(true)
  })
})
