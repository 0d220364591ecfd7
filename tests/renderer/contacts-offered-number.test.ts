// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi } = await import('../helpers/fake-api-client')
const call = fakeApi.call.mockResolvedValue([])

const { default: ContactsView } = await import('../../src/views/ContactsView.vue')

describe('@security a number handed over by a deep link', () => {
  it('opens the add-contact form filled in and saves nothing until the person presses Save', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: ContactsView }] })
    await router.push('/contacts?add=%2B14155550102')
    const wrapper = mount(ContactsView, { global: { plugins: [pinia, router] }, attachTo: document.body })
    await flushPromises()
    expect((wrapper.get('[data-testid="contact-form-phone"]').element as HTMLInputElement).value).toBe('+14155550102')
    expect(call.mock.calls.map(([channel]) => channel)).not.toContain('contacts:create')
    wrapper.unmount()
  })
})
