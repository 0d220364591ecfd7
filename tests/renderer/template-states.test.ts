// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi } = await import('../helpers/fake-api-client')

const { default: TemplateStates } = await import('../../src/components/admin/TemplateStates.vue')

describe('@operations admins see the templates as WhatsApp holds them', () => {
  beforeEach(() => {
    fakeApi.reset()
    setActivePinia(createPinia())
  })

  it('marks a paused template as one WhatsApp will not send', async () => {
    fakeApi.answer({
      'templates:list': [
        { name: 'greenline_opt_in', language: 'en_US', status: 'PAUSED', category: 'utility', quality: 'RED', body: 'Hello! {{1}} …' },
        { name: 'appointment_reminder', language: 'en_US', status: 'APPROVED', category: 'utility', body: 'Hello {{1}} …' },
      ],
    })
    const wrapper = mount(TemplateStates)
    await flushPromises()
    expect(wrapper.get('[data-testid="template-greenline_opt_in"]').text()).toMatch(/paused · quality red — WhatsApp will not send it/)
    expect(wrapper.get('[data-testid="template-appointment_reminder"]').text()).not.toMatch(/will not send/)
  })

  it('says why the templates could not be read', async () => {
    fakeApi.answer({
      'templates:list': () => {
        throw new Error('nope')
      },
    })
    const wrapper = mount(TemplateStates)
    await flushPromises()
    expect(wrapper.find('[data-testid="template-states-error"]').exists()).toBe(true)
  })
})
