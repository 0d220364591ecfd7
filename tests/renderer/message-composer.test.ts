// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Conversation, Message } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'
import { aConversation } from '../helpers/conversation-fixture'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { default: MessageComposer } = await import('../../src/components/composer/MessageComposer.vue')
const { useMessagesStore } = await import('../../src/stores/messages')

const NOW = 1_700_000_000_000
const conversation = (fields: Partial<Conversation> = {}): Conversation =>
  aConversation({ lastActivityAt: NOW, createdAt: NOW, asOf: NOW, windowClosesAt: NOW + 3_600_000, ...fields })
const sent = (text: string): Message => ({
  id: 'm1',
  seq: 1,
  conversationId: 'v1',
  direction: 'out',
  kind: 'text',
  text,
  status: 'queued',
  createdAt: NOW,
  updatedAt: NOW,
})

/** The composer on @pinia/testing: `messages.send` is a spy the test answers. */
function render(c: Conversation = conversation()) {
  const pinia = testingPinia({ initialState: { session: { session: { user: { id: 'priya', name: 'Priya Shah' } } } } })
  const messages = useMessagesStore()
  vi.mocked(messages.send).mockImplementation(async (_id, text) => ({ ok: true, message: sent(text) }))
  const wrapper = mount(MessageComposer, {
    props: { conversation: c, now: NOW },
    global: { plugins: [pinia], stubs: { ComposerAttachMenu: true } },
    attachTo: document.body,
  })
  return { wrapper, messages, input: wrapper.get<HTMLTextAreaElement>('[data-testid="composer-input"]') }
}

describe('MessageComposer', () => {
  beforeEach(() => localStorage.clear())
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('Enter sends and empties the box; Shift+Enter and an IME composition do not send', async () => {
    const { wrapper, messages, input } = render()
    await input.setValue('Line one')
    await input.trigger('keydown', { key: 'Enter', shiftKey: true })
    await input.trigger('keydown', { key: 'Enter', isComposing: true })
    expect(messages.send).not.toHaveBeenCalled()

    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(messages.send).toHaveBeenCalledWith('v1', 'Line one', { authorName: 'Priya Shah' })
    expect(input.element.value).toBe('')
    expect(wrapper.emitted('sent')).toHaveLength(1)
  })

  it('Up in an empty box takes back my last waiting message to edit; others and sent ones stay', async () => {
    const message = (id: string, fields: Partial<Message>): Message => ({ ...sent('x'), id, authorId: 'priya', ...fields })
    const items = [
      message('m1', { text: 'already sent', status: 'sent' }),
      message('m2', { text: 'see you Friday', status: 'held', holdReason: 'awaiting_consent' }),
      message('m3', { text: 'from Sam', status: 'held', authorId: 'sam' }),
    ]
    const pinia = testingPinia({
      initialState: {
        session: { session: { user: { id: 'priya', name: 'Priya Shah' } } },
        messages: { threads: { v1: { items, hasOlder: false, loading: false, loadingOlder: false } } },
      },
    })
    const messages = useMessagesStore()
    vi.mocked(messages.cancel).mockResolvedValue(undefined)
    const wrapper = mount(MessageComposer, {
      props: { conversation: conversation(), now: NOW },
      global: { plugins: [pinia], stubs: { ComposerAttachMenu: true } },
      attachTo: document.body,
    })
    const input = wrapper.get<HTMLTextAreaElement>('[data-testid="composer-input"]')
    await input.trigger('keydown', { key: 'ArrowUp' })
    await flushPromises()
    expect(messages.cancel).toHaveBeenCalledWith('m2')
    expect(input.element.value).toBe('see you Friday')

    // With text in the box, Up moves the cursor as usual.
    vi.mocked(messages.cancel).mockClear()
    await input.trigger('keydown', { key: 'ArrowUp' })
    expect(messages.cancel).not.toHaveBeenCalled()

    // If it went meanwhile, the box stays empty and says why.
    await input.setValue('')
    vi.mocked(messages.cancel).mockResolvedValue('This message was already sent.')
    await input.trigger('keydown', { key: 'ArrowUp' })
    await flushPromises()
    expect(input.element.value).toBe('')
    expect(wrapper.get('[data-testid="composer-error"]').text()).toBe('This message was already sent.')
  })

  it(':shortcode: offers emoji as you type; Enter takes one instead of sending; the picker inserts at the caret', async () => {
    const { wrapper, messages, input } = render()
    // gemoji's table is fetched on the first shortcode; the list shows once it is in.
    await input.setValue('Well done :tad')
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="emoji-suggestion"]').length).toBeGreaterThan(0))
    expect(wrapper.findAll('[data-testid="emoji-suggestion"]')[0].text()).toContain('🎉')
    await input.trigger('keydown', { key: 'Enter' })
    expect(messages.send).not.toHaveBeenCalled()
    expect(input.element.value).toBe('Well done 🎉')
    expect(wrapper.find('[data-testid="emoji-suggestions"]').exists()).toBe(false)

    // Escape closes the list and leaves the text; a time like 10:30 offers nothing.
    await input.setValue('at 10:30 :thumbs')
    await input.trigger('keydown', { key: 'Escape' })
    expect(wrapper.find('[data-testid="emoji-suggestions"]').exists()).toBe(false)
    expect(input.element.value).toBe('at 10:30 :thumbs')

    await input.setValue('Thanks ')
    await wrapper.get('[data-testid="emoji-open"]').trigger('click')
    await flushPromises()
    const choices = wrapper.findAll('[data-testid="emoji-choice"]')
    expect(choices.length).toBe(48)
    await choices[0].trigger('click')
    expect(input.element.value).toBe('Thanks 😀')
    expect(wrapper.find('[data-testid="emoji-grid"]').exists()).toBe(false)

    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(messages.send).toHaveBeenCalledWith('v1', 'Thanks 😀', { authorName: 'Priya Shah' })
  })

  it('does not send blank text: the button waits for words', async () => {
    const { wrapper, messages, input } = render()
    expect(wrapper.get('[data-testid="composer-send"]').attributes('disabled')).toBeDefined()
    await input.setValue('   \n ')
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.get('[data-testid="composer-send"]').attributes('disabled')).toBeDefined()
    expect(messages.send).not.toHaveBeenCalled()
  })

  it('counts characters near the limit and stops at what WhatsApp accepts', async () => {
    const { wrapper, input } = render()
    expect(input.attributes('maxlength')).toBe('4096')
    await input.setValue('a'.repeat(3595))
    expect(wrapper.find('[data-testid="composer-counter"]').exists()).toBe(false)
    await input.setValue('a'.repeat(3596))
    const counter = wrapper.get('[data-testid="composer-counter"]')
    expect(counter.text()).toBe('3596 / 4096')
    expect(counter.classes()).not.toContain('error')
    await input.setValue('a'.repeat(4096))
    expect(wrapper.get('[data-testid="composer-counter"]').classes()).toContain('error')
  })

  it('keeps a draft per conversation, across switching threads and a restart', async () => {
    const { wrapper, input } = render()
    await input.setValue('Half a thought')
    await wrapper.setProps({ conversation: conversation({ id: 'v2', contactName: 'Bo Chen' }) })
    expect(input.element.value).toBe('')
    await input.setValue('For Bo')
    await wrapper.setProps({ conversation: conversation() })
    expect(input.element.value).toBe('Half a thought')
    wrapper.unmount()

    const again = render(conversation({ id: 'v2', contactName: 'Bo Chen' }))
    expect(again.input.element.value).toBe('For Bo')
  })

  it('a sent message clears its draft', async () => {
    const { input } = render()
    await input.setValue('Hello')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(render().input.element.value).toBe('')
  })

  it('asks before the first message to someone who has not opted in, once per conversation', async () => {
    const { wrapper, messages, input } = render(conversation({ state: 'awaiting_consent', consent: 'none', windowClosesAt: undefined }))
    expect(wrapper.get('[data-testid="composer-notice"]').text()).toBe(
      'Your first message asks Ana Souza to accept WhatsApp messages; it is sent once they agree.',
    )
    await input.setValue('Your appointment is on Monday')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(messages.send).not.toHaveBeenCalled()
    const dialog = wrapper.get('dialog')
    expect(dialog.attributes('aria-label')).toBe('Ask for consent first')
    expect(dialog.text()).toContain('Send the opt-in request to Ana Souza?')

    // Cancel keeps the text and sends nothing.
    await dialog.get('button').trigger('click')
    expect(messages.send).not.toHaveBeenCalled()
    expect(input.element.value).toBe('Your appointment is on Monday')

    await input.trigger('keydown', { key: 'Enter' })
    await wrapper.get('[data-testid="optin-confirm"]').trigger('click')
    await flushPromises()
    expect(messages.send).toHaveBeenCalledWith('v1', 'Your appointment is on Monday', { authorName: 'Priya Shah' })

    // Agreed once: the next message in this conversation goes without asking again.
    await input.setValue('And bring your card')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(messages.send).toHaveBeenCalledTimes(2)
  })

  it('cannot write where sending is impossible, and says why', async () => {
    const { wrapper, input } = render(conversation({ state: 'opted_out', consent: 'revoked' }))
    expect(wrapper.get('[data-testid="composer-notice"]').text()).toBe('You cannot write: Ana Souza asked not to be contacted on WhatsApp.')
    expect(input.attributes('disabled')).toBeDefined()
    expect(input.attributes('placeholder')).toBe('Sending is not possible here')
  })

  it('a lexicon warning asks "Send anyway?" and resends the same message once confirmed', async () => {
    const { wrapper, messages, input } = render()
    vi.mocked(messages.send).mockResolvedValueOnce({ ok: false, kind: 'warn', reason: 'This mentions a diagnosis', clientId: 'k1' })
    await input.setValue('Your test came back positive')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(wrapper.get('[data-testid="lexicon-warning"]').text()).toContain('This mentions a diagnosis. Send anyway?')

    await wrapper.get('[data-testid="lexicon-send-anyway"]').trigger('click')
    await flushPromises()
    expect(messages.send).toHaveBeenLastCalledWith('v1', 'Your test came back positive', {
      clientId: 'k1',
      confirmWarning: true,
      authorName: 'Priya Shah',
    })
    expect(wrapper.find('[data-testid="lexicon-warning"]').exists()).toBe(false)
  })

  it('"Edit" after a lexicon warning gives the text back to rework, sending nothing', async () => {
    const { wrapper, messages, input } = render()
    vi.mocked(messages.send).mockResolvedValueOnce({ ok: false, kind: 'warn', reason: 'This mentions a diagnosis', clientId: 'k1' })
    await input.setValue('Your test came back positive')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(input.element.value).toBe('')
    await wrapper.get('[data-testid="lexicon-edit"]').trigger('click')
    expect(input.element.value).toBe('Your test came back positive')
    expect(document.activeElement).toBe(input.element)
    expect(messages.send).toHaveBeenCalledTimes(1)
  })

  it('a blocked message shows the reason and keeps the text', async () => {
    const { wrapper, messages, input } = render()
    vi.mocked(messages.send).mockResolvedValueOnce({
      ok: false,
      kind: 'error',
      reason: 'Card numbers may not be sent on WhatsApp',
      clientId: 'k2',
    })
    await input.setValue('My card is 4111 1111 1111 1111')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="composer-error"]').text()).toBe('Card numbers may not be sent on WhatsApp')
    expect(input.element.value).toBe('My card is 4111 1111 1111 1111')
  })

  it('shows SMS parts only in an SMS conversation', async () => {
    const whatsapp = render()
    await whatsapp.input.setValue('Hello')
    expect(whatsapp.wrapper.find('[data-testid="sms-segments"]').exists()).toBe(false)
    whatsapp.wrapper.unmount()

    const sms = render(conversation({ id: 'v3', channel: 'sms', consent: 'none' }))
    await sms.input.setValue('Hello')
    expect(sms.wrapper.get('[data-testid="sms-segments-summary"]').text()).toBe('1 SMS · GSM-7 · 155 left in this part')
  })
})
