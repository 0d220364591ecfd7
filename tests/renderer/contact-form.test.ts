// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { readableError } from '../../src/api/error-text'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi } = await import('../helpers/fake-api-client')
const call = fakeApi.call

const { default: ContactFormDialog } = await import('../../src/components/contacts/ContactFormDialog.vue')

async function render() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:pathMatch(.*)*', component: { template: '<div />' } }],
  })
  const wrapper = mount(ContactFormDialog, { global: { plugins: [pinia, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('ContactFormDialog validation', () => {
  beforeEach(() => call.mockReset())

  it('says on the name field that a name is needed, before sending anything', async () => {
    const wrapper = await render()
    await wrapper.get('[data-testid="contact-form-phone"]').setValue('+14155550101')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(call).not.toHaveBeenCalled()
    const error = wrapper.get('[data-testid="contact-form-error"]')
    expect(error.text()).toBe('Enter a name for this contact.')
    expect(error.text()).not.toMatch(/Invalid|contacts:create|request/)
    expect(wrapper.get('[data-testid="contact-form-name"]').attributes('aria-invalid')).toBe('true')
  })

  it('shows the name message once the field is left empty', async () => {
    const wrapper = await render()
    expect(wrapper.find('[data-testid="contact-form-error"]').exists()).toBe(false)
    await wrapper.get('[data-testid="contact-form-name"]').trigger('blur')
    expect(wrapper.get('[data-testid="contact-form-error"]').text()).toBe('Enter a name for this contact.')
  })

  it('checks the email on its field', async () => {
    const wrapper = await render()
    await wrapper.get('[data-testid="contact-form-name"]').setValue('Ana')
    await wrapper.get('[data-testid="contact-form-email"]').setValue('ana@')
    await wrapper.get('form').trigger('submit')
    expect(call).not.toHaveBeenCalled()
    expect(wrapper.get('[data-testid="contact-form-email"]').attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('[data-testid="contact-form-error"]').text()).toMatch(/^Enter an email address/)
  })
})

describe('ContactFormDialog language', () => {
  beforeEach(() => fakeApi.reset())

  it('sends the language typed, and shows the engine’s refusal beside the language field', async () => {
    const ApiRequestError = (await import('../../src/api/client')).ApiRequestError as unknown as new (e: object) => Error
    fakeApi.answer({
      'contacts:create': (draft: { language?: string }) => {
        if (draft.language === 'Portuguese')
          throw new ApiRequestError({ code: 'invalid', message: '"Portuguese" is not a language code such as pt_BR, es or en_US' })
        return { id: 'c1', name: 'Ana', language: 'pt_BR', createdAt: 1, updatedAt: 1 }
      },
    })
    const wrapper = await render()
    await wrapper.get('[data-testid="contact-form-name"]').setValue('Ana')
    await wrapper.get('[data-testid="contact-form-language"]').setValue('Portuguese')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="contact-form-language"]').attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('[data-testid="contact-form-error"]').text()).toMatch(/"Portuguese" is not a language code such as pt_BR/)

    await wrapper.get('[data-testid="contact-form-language"]').setValue(' pt-BR ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(call).toHaveBeenLastCalledWith('contacts:create', expect.objectContaining({ name: 'Ana', language: 'pt-BR' }))
    expect(wrapper.emitted('saved')).toHaveLength(1)
  })
})

describe('readableError', () => {
  it("turns the engine's request-validation sentence into words for people", () => {
    const error = {
      code: 'invalid' as const,
      message: 'Invalid contacts:create request: name: A name is required',
      details: { issues: [{ path: ['name'], message: 'A name is required' }] },
    }
    expect(readableError(error)).toMatchObject({ message: 'A name is required.', details: error.details })
  })

  it('hides raw schema messages', () => {
    const error = {
      code: 'invalid' as const,
      message: 'Invalid messages:send request: text: Too big: expected string to have <=4096 characters',
      details: { issues: [{ path: ['text'], message: 'Too big: expected string to have <=4096 characters' }] },
    }
    expect(readableError(error).message).toBe('Something you entered is not valid. Check it and try again.')
  })

  it('leaves other errors alone', () => {
    const error = { code: 'conflict' as const, message: 'This number is already saved as Ana Souza' }
    expect(readableError(error)).toBe(error)
  })
})
