// @vitest-environment happy-dom
// @team-client: the connection indicator beside the navigation, against a fake `window.greenlineTeam`
// that plays Electron main: shown in team mode only, a live region, "Try now" when offline.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { TeamServerApi, TeamServerStatus } from '../../electron/shared/api/team-server'
import type { Result } from '../../electron/shared/api/result'
import { PROBLEM_MESSAGES } from '../../electron/team-client/connection-errors'
import ConnectionIndicator from '../../src/components/layout/ConnectionIndicator.vue'
import { timeWithSeconds } from '../../src/composables/useDates'

const URL_ = 'https://greenline.acme.example'
const base: TeamServerStatus = { connection: 'signed-out', signingIn: false, outbox: { waiting: 0, failed: 0 } }
const signedIn = (fields: Partial<TeamServerStatus>): TeamServerStatus => ({
  ...base,
  serverUrl: URL_,
  user: { id: 'priya', name: 'Priya Shah' },
  ...fields,
})
const ok = (value: TeamServerStatus): Result<TeamServerStatus> => ({ ok: true, value })

function fakeTeamApi(initial: TeamServerStatus) {
  const listeners = new Set<(status: TeamServerStatus) => void>()
  const fake = {
    status: vi.fn(async () => ok(initial)),
    signIn: vi.fn(async () => ok(initial)),
    signInWithPassword: vi.fn(async () => ok(initial)),
    cancelSignIn: vi.fn(async () => ok(initial)),
    signOut: vi.fn(async () => ok(initial)),
    retryNow: vi.fn(async () => ok(signedIn({ connection: 'connecting' }))),
    onChanged: vi.fn((listener: (status: TeamServerStatus) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }),
    async push(status: TeamServerStatus) {
      for (const listener of listeners) listener(status)
      await flushPromises()
    },
  }
  window.greenlineTeam = fake satisfies TeamServerApi
  return fake
}

let wrapper: VueWrapper | undefined

async function render() {
  setActivePinia(createPinia())
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] })
  wrapper = mount(ConnectionIndicator, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const indicator = () => wrapper!.get('[data-testid="connection-indicator"]')

describe('the connection indicator @team-client', () => {
  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    delete window.greenlineTeam
    document.body.innerHTML = ''
  })

  it('says nothing outside team mode: in a browser, and in the desktop app signed out on purpose', async () => {
    await render()
    expect(indicator().text()).toBe('')
    wrapper!.unmount()
    fakeTeamApi({ ...base, serverUrl: URL_ })
    await render()
    expect(indicator().text()).toBe('')
    expect(wrapper!.find('[data-testid="connection-retry"]').exists()).toBe(false)
  })

  it('follows the connection as a status region: connected, offline with the next try and why, reconnecting, signed out by the server', async () => {
    const team = fakeTeamApi(signedIn({ connection: 'online' }))
    await render()
    expect(indicator().attributes('role')).toBe('status')
    expect(indicator().attributes('data-state')).toBe('connected')
    expect(indicator().text()).toBe('Connected')

    const retryAt = new Date(2026, 11, 6, 10, 42, 5).getTime()
    await team.push(signedIn({ connection: 'offline', retryAt, message: PROBLEM_MESSAGES.unreachable }))
    expect(indicator().attributes('data-state')).toBe('offline')
    expect(indicator().text()).toContain(`Offline — next try at ${timeWithSeconds(retryAt)}`)
    // The reason is read out with it (and is the tooltip), in the team client's words.
    expect(indicator().text()).toContain(PROBLEM_MESSAGES.unreachable)
    await wrapper!.get('[data-testid="connection-retry"]').trigger('click')
    await flushPromises()
    expect(team.retryNow).toHaveBeenCalledTimes(1)
    expect(indicator().text()).toBe('Reconnecting…')
    expect(wrapper!.find('[data-testid="connection-retry"]').exists()).toBe(false)

    await team.push({ ...base, serverUrl: URL_, message: PROBLEM_MESSAGES['refused-token'] })
    expect(indicator().attributes('data-state')).toBe('signed-out')
    expect(indicator().text()).toContain('Signed out of the team server')
    expect(indicator().text()).toContain(PROBLEM_MESSAGES['refused-token'])
    expect(wrapper!.get('[data-testid="connection-sign-in"]').attributes('href')).toBe('/settings')
  })
})
