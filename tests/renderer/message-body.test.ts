// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import type { Message } from '../../electron/shared/domain'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { default: MessageBody } = await import('../../src/components/thread/MessageBody.vue')
const { default: HighlightedText } = await import('../../src/components/search/HighlightedText.vue')

const HOSTILE = '<img src=x onerror="alert(1)"><b>bold</b> & <script>steal()</script>'

const message = (fields: Partial<Message>): Message => ({
  id: 'm1',
  seq: 1,
  conversationId: 'v1',
  direction: 'in',
  kind: 'text',
  text: 'Hello',
  status: 'delivered',
  createdAt: 1,
  updatedAt: 1,
  ...fields,
})

const body = (m: Message) => mount(MessageBody, { props: { message: m }, global: { stubs: { ImageBubble: true } } })

describe('MessageBody', () => {
  it('shows what the contact wrote as text, never as HTML, line breaks kept', () => {
    const wrapper = body(message({ text: `${HOSTILE}\nsecond line` }))
    const text = wrapper.get('p.text')
    expect(text.text()).toBe(`${HOSTILE}\nsecond line`)
    expect(wrapper.find('img').exists()).toBe(false)
    expect(wrapper.find('script').exists()).toBe(false)
    expect(wrapper.find('b').exists()).toBe(false)
  })

  it('quotes the message replied to, as text, or says it is an earlier one', () => {
    expect(
      body(message({ replyTo: { text: HOSTILE } }))
        .get('[data-testid="message-quote"]')
        .text(),
    ).toBe(HOSTILE)
    expect(
      body(message({ replyTo: { providerId: 'wamid.X' } }))
        .get('[data-testid="message-quote"]')
        .text(),
    ).toBe('An earlier message')
    expect(body(message({})).find('[data-testid="message-quote"]').exists()).toBe(false)
  })

  it('puts a picture caption under the picture, as text', () => {
    const wrapper = body(
      message({ kind: 'image', text: undefined, mediaId: 'p1', media: { mimeType: 'image/jpeg', caption: HOSTILE, state: 'ready' } }),
    )
    expect(wrapper.findComponent({ name: 'ImageBubble' }).exists()).toBe(true)
    expect(wrapper.get('p.text').text()).toBe(HOSTILE)
    expect(wrapper.find('img[src="x"]').exists()).toBe(false)
  })

  it('plays a voicemail with its length and transcript, or says there is none', () => {
    const wrapper = body(
      message({
        kind: 'voicemail',
        text: 'Call me back',
        mediaId: 'a1',
        media: { mimeType: 'audio/mpeg', durationMs: 75_000, state: 'ready' },
      }),
    )
    expect(wrapper.get('.voicemail-title').text()).toBe('Voicemail 1:15')
    expect(wrapper.get('[data-testid="voicemail-audio"]').attributes('src')).toBe('/media/a1')
    expect(wrapper.get('[data-testid="voicemail-transcript"]').text()).toBe('Transcript: Call me back')

    const silent = body(message({ kind: 'voicemail', text: undefined, mediaId: 'a2' }))
    expect(silent.text()).toContain('No transcript')
  })

  it('says what it cannot show and where to see it', () => {
    expect(
      body(message({ kind: 'video', text: undefined }))
        .get('[data-testid="message-placeholder"]')
        .text(),
    ).toBe('They sent a video that Greenline cannot show here — check it on the phone.')
    expect(
      body(message({ kind: 'document', direction: 'out', text: undefined }))
        .get('[data-testid="message-placeholder"]')
        .text(),
    ).toBe('Sent a document that Greenline cannot show here — check it on the phone.')
  })

  it('labels the opt-in request and lists the reactions with who gave them', () => {
    expect(body(message({ kind: 'template', direction: 'out', text: 'May we write to you here?' })).text()).toBe(
      'Opt-in requestMay we write to you here?',
    )
    const reactions = body(message({ reactions: [{ emoji: '👍', by: 'contact', at: 2 }] })).get('[data-testid="message-reactions"] li')
    expect(reactions.text()).toBe('👍')
    expect(reactions.attributes('title')).toBe('From the contact')
  })
})

describe('HighlightedText', () => {
  const marked = (text: string, ranges: Array<[number, number]>) => mount(HighlightedText, { props: { text, ranges } })

  it('marks the matched ranges and keeps the rest as it is', () => {
    const wrapper = marked('Ana booked Monday, then Monday again', [
      [11, 17],
      [24, 30],
    ])
    expect(wrapper.findAll('mark').map((m) => m.text())).toEqual(['Monday', 'Monday'])
    expect(wrapper.text()).toBe('Ana booked Monday, then Monday again')
  })

  it('a match inside markup stays text: nothing in the message becomes an element', () => {
    const wrapper = marked(HOSTILE, [[0, 4]])
    expect(wrapper.get('mark').text()).toBe('<img')
    expect(wrapper.text()).toBe(HOSTILE)
    expect(wrapper.findAll('*').map((e) => e.element.tagName.toLowerCase())).toEqual(['span', 'mark'])
  })

  it('overlapping, reversed or out-of-range ranges never repeat or lose a character', () => {
    const wrapper = marked('appointment', [
      [3, 8],
      [0, 5],
      [9, 50],
      [7, 2],
    ])
    expect(wrapper.text()).toBe('appointment')
    expect(wrapper.findAll('mark').map((m) => m.text())).toEqual(['appoi', 'ntm', 'nt'])
  })
})
