// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Contact, Session } from '../../electron/shared/domain'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi } = await import('../helpers/fake-api-client')
const call = fakeApi.call

const { default: ContactDetailsView } = await import('../../src/views/ContactDetailsView.vue')
const { useSessionStore } = await import('../../src/stores/session')

const session = (whatsappEnabled: boolean): Session => ({
  user: { id: 'priya', name: 'Priya Shah' },
  org: { name: 'Org', whatsappEnabled, sandbox: true },
})
const dan: Contact = { id: 'c9', name: 'Dan Notonwa', phone: '+14155550199', createdAt: 1, updatedAt: 1 }

async function render(contact: Contact, whatsappEnabled: boolean, threads: unknown[] = []) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().session = session(whatsappEnabled)
  call.mockImplementation(async (channel: string) => {
    if (channel === 'contacts:get') return contact
    if (channel === 'conversations:list') return threads
    if (channel === 'conversations:start') return { id: 'v7' }
    throw new Error(`unexpected ${channel}`)
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:pathMatch(.*)*', component: { template: '<div />' } }],
  })
  await router.push(`/contacts/${contact.id}`)
  const wrapper = mount(ContactDetailsView, { props: { id: contact.id }, global: { plugins: [pinia, router] } })
  await flushPromises()
  return { wrapper, router }
}

describe('ContactDetailsView', () => {
  beforeEach(() => {
    call.mockReset()
  })

  it('shows call, SMS and the WhatsApp action, and starts WhatsApp without the opt-in', async () => {
    const { wrapper, router } = await render(dan, true)
    expect(wrapper.get('[data-testid="contact-phone"]').text()).toBe('+1 415 555 0199')
    expect(wrapper.get('[data-testid="contact-call"]').attributes('href')).toBe('tel:+14155550199')
    await wrapper.get('[data-testid="contact-whatsapp"]').trigger('click')
    await flushPromises()
    expect(call).toHaveBeenCalledWith('conversations:list', { contactId: 'c9' })
    expect(call).toHaveBeenCalledWith('conversations:start', { contactId: 'c9', channel: 'whatsapp', requestConsent: false })
    expect(router.currentRoute.value.fullPath).toBe('/messages/v7')
  })

  it('asks before reopening an open WhatsApp thread and starts a new one when told to', async () => {
    const open = { id: 'v1', contactId: 'c9', channel: 'whatsapp', participants: [{ id: 'priya' }], unread: 0, updatedAt: 1 }
    const { wrapper, router } = await render(dan, true, [open])
    await wrapper.get('[data-testid="contact-whatsapp"]').trigger('click')
    await flushPromises()
    expect(call).not.toHaveBeenCalledWith('conversations:start', expect.anything())
    await wrapper.get('[data-testid="start-new-thread"]').trigger('click')
    await flushPromises()
    expect(call).toHaveBeenCalledWith('conversations:start', {
      contactId: 'c9',
      channel: 'whatsapp',
      newThread: true,
      requestConsent: false,
    })
    expect(router.currentRoute.value.fullPath).toBe('/messages/v7')
  })

  it('@operations a WhatsApp user known only by user id (username, no number) gets the WhatsApp action, not call or SMS', async () => {
    const kai: Contact = { id: 'c5', name: 'Kai', userId: 'US.1234567890123', createdAt: 1, updatedAt: 1 }
    const { wrapper, router } = await render(kai, true)
    expect(wrapper.get('[data-testid="contact-phone"]').text()).toBe('No number shared — reachable on WhatsApp')
    expect(wrapper.find('[data-testid="contact-call"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="contact-sms"]').exists()).toBe(false)
    await wrapper.get('[data-testid="contact-whatsapp"]').trigger('click')
    await flushPromises()
    expect(call).toHaveBeenCalledWith('conversations:start', { contactId: 'c5', channel: 'whatsapp', requestConsent: false })
    expect(router.currentRoute.value.fullPath).toBe('/messages/v7')
  })

  it('has no WhatsApp action when the organization has not enabled it', async () => {
    const { wrapper } = await render(dan, false)
    expect(wrapper.find('[data-testid="contact-whatsapp"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="contact-sms"]').exists()).toBe(true)
  })

  it('offers SMS instead for a contact who is not on WhatsApp', async () => {
    const { wrapper, router } = await render({ ...dan, notOnWhatsApp: true }, true)
    expect(wrapper.find('[data-testid="contact-whatsapp"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="contact-not-on-whatsapp"]').text()).toBe('Not on WhatsApp — send an SMS instead')
    await wrapper.get('[data-testid="contact-sms"]').trigger('click')
    await flushPromises()
    expect(call).toHaveBeenCalledWith('conversations:start', { contactId: 'c9', channel: 'sms' })
    expect(router.currentRoute.value.fullPath).toBe('/messages/v7')
  })
})
