// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AccessToken } from '../../electron/shared/api/contract'
import type { Session } from '../../electron/shared/domain'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { default: SettingsView } = await import('../../src/views/SettingsView.vue')
const { useSessionStore } = await import('../../src/stores/session')

const session: Session = { user: { id: 'priya', name: 'Priya Shah' }, org: { name: 'Acme Dental', whatsappEnabled: true, sandbox: false } }
const mine: AccessToken = { id: 't1', userId: 'priya', name: 'Nightly report', createdAt: 1_700_000_000_000, lastUsedAt: 1_700_000_000_000 }
const sams: AccessToken = { id: 't2', userId: 'sam', name: 'Sync', createdAt: 1_700_000_100_000, lastUsedAt: 1_700_000_900_000 }

const empty = (status: number) => new Response(null, { status })
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

/** Plays the server's /auth routes; anything unexpected answers 599 so it shows up. */
function serve(routes: Record<string, () => Response>) {
  const fetch = vi.fn(async (input: string, init?: RequestInit) => routes[`${init?.method ?? 'GET'} ${input}`]?.() ?? empty(599))
  vi.stubGlobal('fetch', fetch)
  return fetch
}

function setup(mode: 'team' | 'local', role: 'admin' | 'member' | undefined) {
  const pinia = createPinia()
  setActivePinia(pinia)
  Object.assign(useSessionStore(), { session, mode, role })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] })
  const render = async () => {
    const wrapper = mount(SettingsView, { global: { plugins: [pinia, router], stubs: { ExportPanel: true } }, attachTo: document.body })
    await flushPromises()
    return wrapper
  }
  return render
}

const tokenCalls = () => api.call.mock.calls.filter(([c]) => c === 'tokens:list')

describe('access tokens in Settings', () => {
  beforeEach(() => api.reset())
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('is only on the team server', async () => {
    serve({})
    api.answer({})
    const wrapper = await setup('local', undefined)()
    expect(wrapper.find('[data-testid="settings-tokens"]').exists()).toBe(false)
    expect(api.call).not.toHaveBeenCalled()
  })

  it('lists my tokens, and members get no "everyone" toggle', async () => {
    serve({})
    api.answer({ 'tokens:list': [mine] })
    const wrapper = await setup('team', 'member')()
    expect(wrapper.get('#settings-tokens').text()).toBe('Access tokens')
    expect(tokenCalls()).toEqual([['tokens:list', {}]])
    const row = wrapper.get('[data-testid="token-t1"]')
    expect(row.text()).toContain('Nightly report')
    expect(row.text()).toContain('Not yet')
    expect(wrapper.find('[data-testid="tokens-everyone"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain("Show everyone's tokens")
  })

  it('creates a token by name and shows it once', async () => {
    const writeText = vi.fn(async () => undefined)
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const fetch = serve({ 'POST /auth/tokens': () => json(201, { id: 't9', token: 'glt_secret' }) })
    let list: AccessToken[] = []
    api.answer({ 'tokens:list': () => list })
    const render = setup('team', 'member')
    let wrapper = await render()
    expect(wrapper.get('[data-testid="tokens-empty"]').text()).toBe('You have no access tokens.')

    await wrapper.get('[data-testid="token-name"]').setValue('CI deploy')
    list = [{ id: 't9', userId: 'priya', name: 'CI deploy', createdAt: 1, lastUsedAt: 1 }]
    await wrapper.get('[data-testid="token-create"]').trigger('submit')
    await flushPromises()

    expect(fetch).toHaveBeenCalledTimes(1)
    const [path, init] = fetch.mock.calls[0]
    expect(path).toBe('/auth/tokens')
    expect(init?.method).toBe('POST')
    expect(JSON.parse(init?.body as string)).toEqual({ name: 'CI deploy' })
    const fresh = wrapper.get('[data-testid="token-fresh"]')
    expect(fresh.get<HTMLInputElement>('#token-secret').element.value).toBe('glt_secret')
    expect(fresh.get('#token-secret').attributes('readonly')).toBeDefined()
    expect(fresh.text()).toContain('You will not see it again')
    await fresh.get('[data-testid="token-secret-copy"]').trigger('click')
    expect(writeText).toHaveBeenCalledWith('glt_secret')
    // The list caught up and the name field is ready for another.
    expect(wrapper.get('[data-testid="token-t9"]').text()).toContain('CI deploy')
    expect(wrapper.get<HTMLInputElement>('[data-testid="token-name"]').element.value).toBe('')

    // Leaving Settings and coming back: the secret is gone for good, only the listed token stays.
    wrapper.unmount()
    wrapper = await render()
    expect(wrapper.find('[data-testid="token-fresh"]').exists()).toBe(false)
    expect(wrapper.html()).not.toContain('glt_secret')
    expect(wrapper.find('[data-testid="token-t9"]').exists()).toBe(true)
  })

  it('hides the new token when dismissed', async () => {
    serve({ 'POST /auth/tokens': () => json(201, { id: 't9', token: 'glt_secret' }) })
    api.answer({ 'tokens:list': [] })
    const wrapper = await setup('team', 'member')()
    await wrapper.get('[data-testid="token-name"]').setValue('CI deploy')
    await wrapper.get('[data-testid="token-create"]').trigger('submit')
    await flushPromises()
    await wrapper.get('[data-testid="token-fresh-done"]').trigger('click')
    await flushPromises()
    expect(wrapper.html()).not.toContain('glt_secret')
    expect(document.activeElement).toBe(wrapper.get('[data-testid="token-name"]').element)
  })

  it('says so in an alert when the server cannot create it', async () => {
    serve({ 'POST /auth/tokens': () => empty(500) })
    api.answer({ 'tokens:list': [] })
    const wrapper = await setup('team', 'member')()
    await wrapper.get('[data-testid="token-name"]').setValue('CI deploy')
    await wrapper.get('[data-testid="token-create"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="tokens-error"]').attributes('role')).toBe('alert')
    expect(wrapper.get('[data-testid="tokens-error"]').text()).toBe('Greenline could not reach the server right now. Try again.')
    expect(wrapper.find('[data-testid="token-fresh"]').exists()).toBe(false)
  })

  it('revokes with DELETE and the id, after confirming', async () => {
    const fetch = serve({ 'DELETE /auth/tokens/t1': () => empty(204) })
    let list = [mine]
    api.answer({ 'tokens:list': () => list })
    const wrapper = await setup('team', 'member')()
    await wrapper.get('[data-testid="token-t1"] [data-testid="token-revoke"]').trigger('click')
    expect(wrapper.get('[data-testid="token-t1"] [role="group"]').text()).toContain('Revoke Nightly report?')
    expect(fetch).not.toHaveBeenCalled()
    list = []
    await wrapper.get('[data-testid="token-t1"] [data-testid="confirm-yes"]').trigger('click')
    await flushPromises()
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls[0][0]).toBe('/auth/tokens/t1')
    expect(fetch.mock.calls[0][1]?.method).toBe('DELETE')
    expect(tokenCalls()).toHaveLength(2)
    expect(wrapper.find('[data-testid="token-t1"]').exists()).toBe(false)
  })

  it("lets admins show everyone's tokens and revoke those too", async () => {
    const fetch = serve({ 'DELETE /auth/tokens/t2': () => empty(204) })
    api.answer({ 'tokens:list': (payload: { all?: boolean }) => (payload.all ? [mine, sams] : [mine]) })
    const wrapper = await setup('team', 'admin')()
    const toggle = wrapper.get<HTMLInputElement>('[data-testid="tokens-everyone"]')
    expect(toggle.element.closest('label')?.textContent?.trim()).toBe("Show everyone's tokens")
    expect(wrapper.find('[data-testid="token-t2"]').exists()).toBe(false)
    await toggle.setValue(true)
    await flushPromises()
    expect(tokenCalls()).toEqual([
      ['tokens:list', {}],
      ['tokens:list', { all: true }],
    ])
    expect(wrapper.get('[data-testid="token-t1"]').text()).toContain('You')
    expect(wrapper.get('[data-testid="token-t2"]').text()).toContain('sam')
    await wrapper.get('[data-testid="token-t2"] [data-testid="token-revoke"]').trigger('click')
    await wrapper.get('[data-testid="token-t2"] [data-testid="confirm-yes"]').trigger('click')
    await flushPromises()
    expect(fetch.mock.calls.map(([path, init]) => `${init?.method} ${path}`)).toEqual(['DELETE /auth/tokens/t2'])
    // Still everyone's after the refresh.
    expect(tokenCalls().at(-1)).toEqual(['tokens:list', { all: true }])
  })
})
