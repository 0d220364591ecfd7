// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Message, MessageTemplate } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { useAccountHealthStore } = await import('../../src/stores/account-health')
const { useTemplatesStore } = await import('../../src/stores/templates')

const PAUSED = { paused: true, code: 368, reason: 'WhatsApp restricted the business number for 24 hours', since: 1, nextCheckAt: 2 }
const refusal = (message: string) => new ApiRequestError({ code: 'forbidden', message })

describe('useAccountHealthStore', () => {
  beforeEach(() => {
    testingPinia({ stubActions: false })
    api.reset()
  })

  it('reads the health once, then follows the engine', async () => {
    api.answer({ 'account:health': PAUSED })
    const store = useAccountHealthStore()
    await store.load()
    expect(store.health).toEqual(PAUSED)
    api.emit('account:changed', { paused: false })
    expect(store.health).toEqual({ paused: false })
  })

  it('subscribes once however often it loads', async () => {
    api.answer({ 'account:health': { paused: false } })
    const store = useAccountHealthStore()
    await store.load()
    await store.load()
    expect(api.listeners.get('account:changed')?.size).toBe(1)
  })

  it('shows nothing when the health cannot be read (no WhatsApp, or not allowed)', async () => {
    api.answer({})
    const store = useAccountHealthStore()
    await store.load()
    expect(store.health).toEqual({ paused: false })
    expect(store.error).toBeUndefined()
  })

  it("resumes sending, or says why not in the engine's words or a plain fallback", async () => {
    const store = useAccountHealthStore()
    store.health = PAUSED
    api.answer({ 'account:resume': { paused: false } })
    await store.resume()
    expect(store.health).toEqual({ paused: false })
    expect(store.resuming).toBe(false)

    store.health = PAUSED
    api.call.mockRejectedValueOnce(refusal('Only administrators can resume sending'))
    await store.resume()
    expect(store.error).toBe('Only administrators can resume sending')
    expect(store.health).toEqual(PAUSED)

    api.call.mockRejectedValueOnce(new Error('socket closed'))
    await store.resume()
    expect(store.error).toBe('Could not resume sending')
    expect(store.resuming).toBe(false)
  })
})

describe('useTemplatesStore', () => {
  const template = (name: string, status: string, body?: string): MessageTemplate => ({
    name,
    language: 'en',
    status,
    category: 'UTILITY',
    body,
  })

  beforeEach(() => {
    testingPinia({ stubActions: false })
    api.reset()
  })

  it('offers only approved templates that have a body to send', async () => {
    api.answer({
      'templates:list': [
        template('order_ready', 'APPROVED', 'Your order {{1}} is ready'),
        template('header_only', 'APPROVED'),
        template('promo', 'PAUSED', 'Sale!'),
        template('draft', 'PENDING', 'Hello'),
      ],
    })
    const store = useTemplatesStore()
    await store.load()
    expect(store.all).toHaveLength(4)
    expect(store.approved.map((t) => t.name)).toEqual(['order_ready'])
    expect(store.loading).toBe(false)
  })

  it("says why the templates did not load, in the engine's words or a plain fallback", async () => {
    const store = useTemplatesStore()
    api.call.mockRejectedValueOnce(refusal('WhatsApp is not set up'))
    await store.load()
    expect(store.error).toBe('WhatsApp is not set up')
    api.call.mockRejectedValueOnce(new TypeError('fetch failed'))
    await store.load()
    expect(store.error).toBe('Something went wrong; try again')
    api.answer({ 'templates:list': [] })
    await store.load()
    expect(store.error).toBeUndefined()
  })

  it('sends a template by name and language with its parameters, and gives the refusal as text', async () => {
    const sent = { id: 'm1', kind: 'template' } as Message
    api.answer({ 'templates:send': sent })
    const store = useTemplatesStore()
    const order = template('order_ready', 'APPROVED', 'Your order {{1}} is ready')
    expect(await store.send('v1', order, ['A-17'])).toBe(sent)
    expect(api.call).toHaveBeenCalledWith('templates:send', { conversationId: 'v1', name: 'order_ready', language: 'en', params: ['A-17'] })
    api.call.mockRejectedValueOnce(refusal('Ana opted out of WhatsApp messages'))
    expect(await store.send('v1', order, ['A-17'])).toBe('Ana opted out of WhatsApp messages')
  })
})
