// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import type { Component } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Session } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { default: SettingsView } = await import('../../src/views/SettingsView.vue')
const { default: NavBar } = await import('../../src/components/layout/NavBar.vue')
const { useSessionStore } = await import('../../src/stores/session')

const session: Session = { user: { id: 'priya', name: 'Priya Shah' }, org: { name: 'Acme Dental', whatsappEnabled: true, sandbox: false } }

function render(component: Component, mode: 'local' | 'team', signOutError?: string) {
  const pinia = testingPinia({ initialState: { session: { session, mode, signOutError } } })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] })
  return mount(component, { global: { plugins: [pinia, router], stubs: { ExportPanel: true } } })
}

describe('sign-out actions', () => {
  it('on the team server offers "Sign out" and "Sign out everywhere" in Settings', async () => {
    const wrapper = render(SettingsView, 'team')
    const store = useSessionStore()
    expect(wrapper.get('[data-testid="settings-sign-out"]').text()).toBe('Sign out')
    await wrapper.get('[data-testid="settings-sign-out-everywhere"]').trigger('click')
    expect(store.signOutEverywhere).toHaveBeenCalled()
    await wrapper.get('[data-testid="settings-sign-out"]').trigger('click')
    expect(store.signOut).toHaveBeenCalled()
  })

  it('on the single-user host keeps "Sign out / switch user" and offers no "everywhere"', () => {
    const wrapper = render(SettingsView, 'local')
    expect(wrapper.get('[data-testid="settings-sign-out"]').text()).toBe('Sign out / switch user')
    expect(wrapper.find('[data-testid="settings-sign-out-everywhere"]').exists()).toBe(false)
  })

  it('says when signing out did not work', () => {
    const wrapper = render(SettingsView, 'team', 'Greenline could not sign you out right now. Try again.')
    expect(wrapper.get('[role="alert"]').text()).toBe('Greenline could not sign you out right now. Try again.')
  })

  it('labels the navigation bar action for the host', () => {
    expect(render(NavBar, 'team').get('[data-testid="nav-sign-out"]').text()).toBe('Sign out')
    expect(render(NavBar, 'local').get('[data-testid="nav-sign-out"]').text()).toBe('Switch user')
  })
})
