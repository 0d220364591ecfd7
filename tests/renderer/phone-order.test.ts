import { describe, expect, it } from 'vitest'
import type { Message } from '../../electron/shared/domain'
import { inPhoneOrder, shownAt, wasReleased } from '../../src/composables/usePhoneOrder'

const HOUR = 3_600_000
let seq = 0
function message(direction: Message['direction'], text: string, createdAt: number, sentAt?: number): Message {
  seq++
  return {
    id: `m${seq}`,
    seq,
    conversationId: 'c1',
    direction,
    kind: 'text',
    text,
    status: direction === 'out' ? 'sent' : 'received',
    createdAt,
    updatedAt: sentAt ?? createdAt,
    ...(sentAt !== undefined ? { sentAt } : {}),
  }
}
const texts = (items: Message[]) => items.map((m) => m.text)

describe('the thread in the order the phone shows it', () => {
  it('moves a held message after the reply that released it, and nothing else', () => {
    const items = [
      message('in', 'hello', 0),
      message('out', 'sent at once', 1_000, 1_500),
      message('out', 'are you coming?', 25 * HOUR, 27 * HOUR + 500),
      message('out', 'and bring the form', 25 * HOUR + 1_000, 27 * HOUR + 900),
      message('in', 'sorry, I was away', 27 * HOUR),
      message('out', 'great, see you', 27 * HOUR + 60_000, 27 * HOUR + 60_100),
    ]
    expect(texts(inPhoneOrder(items))).toEqual([
      'hello',
      'sent at once',
      'sorry, I was away',
      'are you coming?',
      'and bring the form',
      'great, see you',
    ])
  })

  it('keeps the list itself when nothing waited', () => {
    const items = [message('out', 'a', 0, 200), message('in', 'b', 1_000)]
    expect(inPhoneOrder(items)).toBe(items)
  })

  it('shows a still-held message where it was written, and a released one at its send time', () => {
    const held = message('out', 'waiting', 5 * HOUR)
    const released = message('out', 'went later', 5 * HOUR, 6 * HOUR)
    expect(wasReleased(held)).toBe(false)
    expect(wasReleased(released)).toBe(true)
    expect(shownAt(held)).toBe(5 * HOUR)
    expect(shownAt(released)).toBe(6 * HOUR)
    expect(wasReleased(message('in', 'inbound', 0, HOUR))).toBe(false)
  })
})
