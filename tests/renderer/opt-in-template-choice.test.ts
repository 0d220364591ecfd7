// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useTemplatesStore } from '../../src/stores/templates'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi } = await import('../helpers/fake-api-client')

const { default: OptInTemplateChoice } = await import('../../src/components/admin/OptInTemplateChoice.vue')

const TEMPLATES = [
  { name: 'greenline_opt_in', language: 'en_US', status: 'APPROVED', category: 'utility', body: 'Hello! {{1}} …' },
  { name: 'greenline_opt_in', language: 'pt_BR', status: 'PAUSED', category: 'utility', body: 'Olá! {{1}} …' },
  { name: 'greenline_consent_v2', language: 'pt_BR', status: 'APPROVED', category: 'utility', body: 'Oi! {{1}} …' },
  { name: 'old_consent', language: 'en_US', status: 'REJECTED', category: 'utility', body: 'Hi {{1}} …' },
]

describe('@operations admins choose the consent request template', () => {
  beforeEach(() => {
    fakeApi.reset()
    setActivePinia(createPinia())
  })

  async function mounted(answers: Record<string, unknown>) {
    fakeApi.answer({
      'templates:list': TEMPLATES,
      'templates:optIn': { name: 'greenline_opt_in', source: 'settings', approvedLanguages: ['en_US'], defaultLanguage: 'pt_BR' },
      ...answers,
    })
    await useTemplatesStore().load()
    const wrapper = mount(OptInTemplateChoice)
    await flushPromises()
    return wrapper
  }

  it('offers only templates with an approved translation, and saves the choice', async () => {
    const wrapper = await mounted({
      'templates:setOptIn': ({ name }: { name: string }) => ({
        name,
        source: 'admin',
        chosenBy: 'alex',
        chosenAt: 1,
        approvedLanguages: ['pt_BR'],
      }),
    })
    expect(wrapper.get('[data-testid="opt-in-current"]').text()).toMatch(/greenline_opt_in — approved in en_US · default language pt_BR/)
    const options = wrapper.findAll('[data-testid="opt-in-template"] option').map((o) => o.text())
    expect(options).toEqual(['greenline_consent_v2', 'greenline_opt_in'])
    expect(wrapper.get('[data-testid="opt-in-save"]').attributes('disabled')).toBeDefined()

    await wrapper.get('[data-testid="opt-in-template"]').setValue('greenline_consent_v2')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(fakeApi.call).toHaveBeenCalledWith('templates:setOptIn', { name: 'greenline_consent_v2' })
    expect(wrapper.get('[data-testid="opt-in-saved"]').text()).toBe('Saved. New consent requests use greenline_consent_v2.')
    expect(wrapper.get('[data-testid="opt-in-current"]').text()).toMatch(/chosen by alex/)
  })

  it('shows the engine’s refusal in words and keeps the current choice', async () => {
    const wrapper = await mounted({
      'templates:setOptIn': () => {
        throw new Error('not an admin')
      },
    })
    await wrapper.get('[data-testid="opt-in-template"]').setValue('greenline_consent_v2')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid="opt-in-error"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="opt-in-current"]').text()).toMatch(/^greenline_opt_in/)
  })
})
