// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi } = await import('../helpers/fake-api-client')
const call = fakeApi.call

const { default: AccountHealthBanner } = await import('../../src/components/layout/AccountHealthBanner.vue')

const locked = { paused: true, code: 131031, reason: 'WhatsApp locked the business account.', since: 1, nextCheckAt: 2 }

async function render(initial: unknown) {
  setActivePinia(createPinia())
  fakeApi.answer({ 'account:health': initial, 'account:resume': { paused: false } })
  const wrapper = mount(AccountHealthBanner)
  await flushPromises()
  return wrapper
}

describe('@operations the account health banner', () => {
  beforeEach(() => fakeApi.reset())

  it('tells everyone signed in that sending is paused and why, as soon as the engine says so', async () => {
    const wrapper = await render({ paused: false })
    expect(wrapper.find('[data-testid="account-paused"]').exists()).toBe(false)
    fakeApi.emit('account:changed', locked)
    await flushPromises()
    expect(wrapper.get('[data-testid="account-paused-reason"]').text()).toBe('WhatsApp locked the business account.')
    expect(wrapper.get('[data-testid="account-paused"]').text()).toMatch(/go out in order once it works again/)
    fakeApi.emit('account:changed', { paused: false })
    await flushPromises()
    expect(wrapper.find('[data-testid="account-paused"]').exists()).toBe(false)
  })

  it('shows a pause that began before the app opened, and resumes on request', async () => {
    const wrapper = await render(locked)
    expect(wrapper.find('[data-testid="account-paused"]').exists()).toBe(true)
    await wrapper.get('[data-testid="account-resume"]').trigger('click')
    await flushPromises()
    expect(call).toHaveBeenCalledWith('account:resume', {})
    expect(wrapper.find('[data-testid="account-paused"]').exists()).toBe(false)
  })
})
