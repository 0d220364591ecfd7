// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi } = await import('../helpers/fake-api-client')

const { default: TemplatePicker } = await import('../../src/components/composer/TemplatePicker.vue')

const reminder = {
  name: 'appointment_reminder',
  language: 'en_US',
  status: 'APPROVED',
  category: 'utility',
  body: 'Hello {{1}}, this is a reminder of your appointment on {{2}}.',
}
const paused = { ...reminder, name: 'old_promo', status: 'PAUSED' }

describe('@operations the template picker', () => {
  beforeEach(() => {
    fakeApi.reset()
    setActivePinia(createPinia())
  })

  it('offers approved templates only, previews the filled text, and keeps Send disabled until every field is filled', async () => {
    const sent = vi.fn(() => ({ id: 'm1' }))
    fakeApi.answer({ 'templates:list': [reminder, paused], 'templates:send': sent })
    const wrapper = mount(TemplatePicker, { props: { conversationId: 'v1' } })
    await flushPromises()
    const options = wrapper.findAll('[data-testid="template-choice"] option').map((o) => o.text())
    expect(options).toEqual(['Choose an approved template', 'appointment_reminder (en_US)'])
    await wrapper.get('[data-testid="template-choice"]').setValue('appointment_reminder:en_US')
    const send = wrapper.get('[data-testid="template-send"]')
    expect(send.attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid="template-field-1"]').setValue('Ana')
    expect(wrapper.get('[data-testid="template-preview"]').text()).toBe('Hello Ana, this is a reminder of your appointment on {{2}}.')
    expect(send.attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid="template-field-2"]').setValue('Monday at 10:00')
    expect(send.attributes('disabled')).toBeUndefined()
    await send.trigger('click')
    await flushPromises()
    expect(sent).toHaveBeenCalledWith({
      conversationId: 'v1',
      name: 'appointment_reminder',
      language: 'en_US',
      params: ['Ana', 'Monday at 10:00'],
    })
    expect(wrapper.emitted('done')).toHaveLength(1)
  })

  it('shows why a send was refused and stays open', async () => {
    fakeApi.answer({
      'templates:list': [reminder],
      'templates:send': () => {
        throw new Error('refused')
      },
    })
    const wrapper = mount(TemplatePicker, { props: { conversationId: 'v1' } })
    await flushPromises()
    await wrapper.get('[data-testid="template-choice"]').setValue('appointment_reminder:en_US')
    await wrapper.get('[data-testid="template-field-1"]').setValue('Ana')
    await wrapper.get('[data-testid="template-field-2"]').setValue('Monday')
    await wrapper.get('[data-testid="template-send"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="template-error"]').exists()).toBe(true)
    expect(wrapper.emitted('done')).toBeUndefined()
  })
})
