// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { type EngineText, engineText, englishOf } from '../../electron/shared/api/engine-text'
import type { OrgUser, Session } from '../../electron/shared/domain'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { default: App } = await import('../../src/App.vue')
const { useSessionStore } = await import('../../src/stores/session')

const users: OrgUser[] = [
  { id: 'priya', name: 'Priya Shah' },
  { id: 'sam', name: 'Sam Lee' },
]
const priya: Session = { user: users[0], org: { name: 'Acme Dental', whatsappEnabled: true, sandbox: false } }

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
const empty = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers })

type Route = Response | ((init: RequestInit | undefined) => Response)

/**
 * Plays the server: answers `METHOD /path` from the table, fresh each time, and records every
 * request. A request the test did not expect gets a 599 so it shows up in assertions.
 */
function serve(routes: Record<string, Route>) {
  const fetch = vi.fn(async (input: string, init?: RequestInit) => {
    const route = routes[`${init?.method ?? 'GET'} ${input}`]
    if (!route) return empty(599)
    return typeof route === 'function' ? route(init) : route.clone()
  })
  vi.stubGlobal('fetch', fetch)
  return fetch
}

const config = (fields: Record<string, unknown> = {}) => json(200, { mode: 'team', password: true, sso: null, ...fields })
const signedOut = { 'GET /auth/config': config(), 'GET /auth/me': empty(401) }

/** The body of the one request to `path`. */
function bodyOf(fetch: ReturnType<typeof serve>, method: string, path: string): unknown {
  const calls = fetch.mock.calls.filter(([input, init]) => input === path && (init?.method ?? 'GET') === method)
  expect(calls).toHaveLength(1)
  return JSON.parse(calls[0][1]?.body as string)
}

const mounted: { unmount(): void }[] = []
/** Each window follows its own language choice into the one i18n instance: only one may stay mounted. */
function unmountAll() {
  for (const wrapper of mounted.splice(0)) wrapper.unmount()
}

afterEach(unmountAll)

async function renderApp() {
  // App fetches the sign-in screens when it shows them: have their modules loaded, so one
  // flush of promises shows them (in the app this is a chunk request).
  await Promise.all([
    import('../../src/components/session/SignIn.vue'),
    import('../../src/components/session/TeamSignIn.vue'),
    import('../../src/components/session/AcceptInvite.vue'),
  ])
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:pathMatch(.*)*', component: { render: () => h('div', { 'data-testid': 'signed-in' }) } }],
  })
  const wrapper = mount(App, { global: { plugins: [pinia, router], stubs: { NavBar: true } }, attachTo: document.body })
  mounted.push(wrapper)
  await flushPromises()
  return wrapper
}

/** Sets the address bar, as the server's redirect (SSO callback, invitation mail) would. */
function at(address: string) {
  ;(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`http://greenline.test${address}`)
}

describe('sign-in across hosts', () => {
  beforeEach(() => {
    api.reset()
    localStorage.clear()
    at('/')
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
    document.body.innerHTML = ''
  })

  it('on the single-user host (no /auth/config) shows the "Who are you?" picker', async () => {
    serve({ 'GET /auth/config': empty(404) })
    api.answer({ 'org:users': users })
    const wrapper = await renderApp()
    expect(wrapper.text()).toContain('Who are you?')
    expect(wrapper.find('[data-testid="sign-in-sam"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="demo-badge"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="password-sign-in"]').exists()).toBe(false)
  })

  it('treats the single-user host serving its page for /auth/config as the single-user host', async () => {
    serve({ 'GET /auth/config': new Response('<!doctype html>', { status: 200, headers: { 'Content-Type': 'text/html' } }) })
    api.answer({ 'org:users': users })
    const wrapper = await renderApp()
    expect(wrapper.text()).toContain('Who are you?')
  })

  it('in the desktop app asks no HTTP route at all', async () => {
    const fetch = serve({})
    api.desktop = true
    api.answer({ 'session:get': priya })
    const wrapper = await renderApp()
    expect(wrapper.find('[data-testid="signed-in"]').exists()).toBe(true)
    expect(fetch).not.toHaveBeenCalled()
  })

  it('on a demo server labels the picker as a demo', async () => {
    serve({ 'GET /auth/config': config({ mode: 'demo' }) })
    api.answer({ 'org:users': users })
    const wrapper = await renderApp()
    expect(wrapper.get('[data-testid="demo-badge"]').text()).toBe('Demo')
    expect(wrapper.get('h2').text()).toBe('Demo sign-in — pick who you are')
    expect(wrapper.find('[data-testid="sign-in-priya"]').exists()).toBe(true)
  })

  it('on a team server with a session cookie goes straight in', async () => {
    const fetch = serve({
      'GET /auth/config': config(),
      'GET /auth/me': json(200, { user: { id: 'priya', name: 'Priya Shah' }, role: 'admin' }),
    })
    api.answer({ 'session:get': priya })
    const wrapper = await renderApp()
    expect(wrapper.find('[data-testid="signed-in"]').exists()).toBe(true)
    expect(useSessionStore().role).toBe('admin')
    expect(fetch.mock.calls.find(([path]) => path === '/auth/me')?.[1]?.credentials).toBe('same-origin')
    expect(api.call).not.toHaveBeenCalledWith('org:users', expect.anything())
  })

  it('on a team server without a session shows the password form, and no SSO button unless configured', async () => {
    serve(signedOut)
    const wrapper = await renderApp()
    expect(wrapper.find('[data-testid="sso-sign-in"]').exists()).toBe(false)
    expect(wrapper.get('label[for="team-user-id"]').text()).toBe('User ID')
    expect(wrapper.get('#team-user-id').attributes('autocomplete')).toBe('username')
    const password = wrapper.get('#team-password')
    expect(password.attributes('type')).toBe('password')
    expect(password.attributes('autocomplete')).toBe('current-password')
    expect(wrapper.get('[data-testid="team-sign-in-submit"]').text()).toBe('Sign in')
    expect(api.call).not.toHaveBeenCalled()
  })

  it('offers single sign-on by its label and goes to /auth/oidc/start', async () => {
    serve({ ...signedOut, 'GET /auth/config': config({ sso: { label: 'Microsoft' }, password: false }) })
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => undefined)
    const wrapper = await renderApp()
    const button = wrapper.get('[data-testid="sso-sign-in"]')
    expect(button.text()).toBe('Sign in with Microsoft')
    expect(wrapper.find('[data-testid="password-sign-in"]').exists()).toBe(false)
    await button.trigger('click')
    expect(assign).toHaveBeenCalledWith('/auth/oidc/start')
  })

  it('posts exactly the user ID and password, and a 204 signs in without a reload', async () => {
    let signedIn = false
    const fetch = serve({
      'GET /auth/config': config(),
      'GET /auth/me': () => (signedIn ? json(200, { user: { id: 'priya', name: 'Priya Shah' }, role: 'member' }) : empty(401)),
      'POST /auth/password': () => {
        signedIn = true
        return empty(204)
      },
    })
    const reload = vi.spyOn(window.location, 'reload').mockImplementation(() => undefined)
    api.answer({ 'session:get': priya })
    const wrapper = await renderApp()
    await wrapper.get('#team-user-id').setValue('priya')
    await wrapper.get('#team-password').setValue('correct horse battery')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bodyOf(fetch, 'POST', '/auth/password')).toEqual({ userId: 'priya', password: 'correct horse battery' })
    expect(api.call).toHaveBeenCalledWith('session:get', {})
    expect(wrapper.find('[data-testid="signed-in"]').exists()).toBe(true)
    expect(reload).not.toHaveBeenCalled()
  })

  it('on 401 says the two do not match, keeps the user ID and clears the password', async () => {
    serve({ ...signedOut, 'POST /auth/password': empty(401) })
    const wrapper = await renderApp()
    await wrapper.get('#team-user-id').setValue('priya')
    await wrapper.get('#team-password').setValue('wrong')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe("That user ID and password don't match.")
    expect((wrapper.get('#team-user-id').element as HTMLInputElement).value).toBe('priya')
    expect((wrapper.get('#team-password').element as HTMLInputElement).value).toBe('')
    expect(api.call).not.toHaveBeenCalled()
  })

  it('on 429 says how long to wait, from Retry-After', async () => {
    serve({ ...signedOut, 'POST /auth/password': empty(429, { 'Retry-After': '120' }) })
    const wrapper = await renderApp()
    await wrapper.get('#team-user-id').setValue('priya')
    await wrapper.get('#team-password').setValue('guess')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('Too many attempts. Try again in 2 minutes.')
  })

  it('rounds a short wait to seconds and a long one up to minutes', async () => {
    let retryAfter = '45'
    serve({ ...signedOut, 'POST /auth/password': () => empty(429, { 'Retry-After': retryAfter }) })
    const wrapper = await renderApp()
    await wrapper.get('#team-user-id').setValue('priya')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('Too many attempts. Try again in 45 seconds.')
    retryAfter = '61'
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('Too many attempts. Try again in 2 minutes.')
  })

  it('on any other failure says to try again, and disables the button while it waits', async () => {
    let answer: (response: Response) => void = () => undefined
    const fetch = serve(signedOut)
    const wrapper = await renderApp()
    fetch.mockImplementationOnce(() => new Promise<Response>((resolve) => (answer = resolve)))
    await wrapper.get('#team-user-id').setValue('priya')
    await wrapper.get('#team-password').setValue('pw')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.get('[data-testid="team-sign-in-submit"]').attributes('disabled')).toBeDefined()
    answer(empty(500))
    await flushPromises()
    expect(wrapper.get('[data-testid="team-sign-in-submit"]').attributes('disabled')).toBeUndefined()
    expect(wrapper.get('[role="alert"]').text()).toBe('Greenline could not sign you in right now. Try again.')
  })

  it('shows the SSO callback error from ?signin_error= as text, and drops it from the address', async () => {
    at('/?signin_error=%3Cb%3Ex%3C%2Fb%3E')
    serve(signedOut)
    const wrapper = await renderApp()
    const alert = wrapper.get('[role="alert"]')
    expect(alert.text()).toBe('<b>x</b>')
    expect(alert.find('b').exists()).toBe(false)
    expect(location.search).toBe('')
  })
})

describe('the server’s sign-in refusals in the window’s language', () => {
  beforeEach(() => {
    api.reset()
    localStorage.clear()
  })
  afterEach(async () => {
    unmountAll()
    localStorage.clear()
    const { i18n } = await import('../../src/i18n')
    i18n.global.locale.value = 'en'
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
    document.body.innerHTML = ''
  })

  /** The Settings choice of language, as the window reads it on start. */
  const chooseLanguage = (locale: string) => localStorage.setItem('greenline.preferences', JSON.stringify({ locale }))

  /** The query the server's single sign-on callback redirects with (electron/server/auth-routes.ts). */
  function ssoFailure(text: EngineText | { code: string }, english: string) {
    return `/?${new URLSearchParams({ signin_error: english, signin_error_text: JSON.stringify(text) }).toString()}`
  }

  it('writes the single sign-on failure in French from its code, and drops both from the address', async () => {
    chooseLanguage('fr')
    const text = engineText('oidc.claimMissing', { claim: 'email' })
    at(ssoFailure(text, englishOf(text)))
    serve(signedOut)
    const wrapper = await renderApp()
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'Le fournisseur d’identité n’a pas envoyé l’information « email » nécessaire à la connexion',
    )
    expect(location.search).toBe('')
  })

  it('keeps the English of a code this version does not know, or of unreadable values', async () => {
    chooseLanguage('de')
    at(ssoFailure({ code: 'oidc.somethingNew' }, 'The provider is on fire'))
    serve(signedOut)
    expect((await renderApp()).get('[role="alert"]').text()).toBe('The provider is on fire')
    unmountAll()
    at(`/?signin_error=Not+JSON&signin_error_text=%7Bnope`)
    expect((await renderApp()).get('[role="alert"]').text()).toBe('Not JSON')
  })

  it('writes the invitation’s password refusal in Spanish from the code beside the English', async () => {
    chooseLanguage('es')
    at('/invite?token=tok-123')
    const text = engineText('auth.passwordTooShort', { count: 16 })
    serve({ ...signedOut, 'POST /auth/invite/accept': json(400, { message: englishOf(text), text }) })
    const wrapper = await renderApp()
    await wrapper.get('#invite-password').setValue('a long new password')
    await wrapper.get('#invite-confirmation').setValue('a long new password')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('La contraseña necesita al menos 16 caracteres')
  })
})

describe('signing out of the team server', () => {
  beforeEach(() => {
    api.reset()
    at('/')
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  async function signedInStore() {
    setActivePinia(createPinia())
    const fetch = serve({
      'GET /auth/config': config(),
      'GET /auth/me': json(200, { user: { id: 'priya', name: 'Priya Shah' }, role: 'member' }),
      'POST /auth/logout': empty(204),
      'POST /auth/logout?everywhere=1': empty(204),
    })
    api.answer({ 'session:get': priya })
    const store = useSessionStore()
    await store.restore()
    const reload = vi.spyOn(window.location, 'reload').mockImplementation(() => undefined)
    return { store, fetch, reload }
  }

  it('sign out posts /auth/logout with the cookie, then reloads', async () => {
    const { store, fetch, reload } = await signedInStore()
    await store.signOut()
    const logout = fetch.mock.calls.filter(([path]) => String(path).startsWith('/auth/logout'))
    expect(logout).toHaveLength(1)
    expect(logout[0][0]).toBe('/auth/logout')
    expect(logout[0][1]).toMatchObject({ method: 'POST', credentials: 'same-origin' })
    expect(reload).toHaveBeenCalled()
  })

  it('sign out everywhere posts /auth/logout?everywhere=1', async () => {
    const { store, fetch, reload } = await signedInStore()
    await store.signOutEverywhere()
    const logout = fetch.mock.calls.filter(([path]) => String(path).startsWith('/auth/logout'))
    expect(logout.map(([path, init]) => [path, init?.method])).toEqual([['/auth/logout?everywhere=1', 'POST']])
    expect(reload).toHaveBeenCalled()
  })

  it('says so, and stays, when the server could not sign out', async () => {
    const { store, fetch, reload } = await signedInStore()
    fetch.mockResolvedValueOnce(empty(500))
    await store.signOut()
    expect(reload).not.toHaveBeenCalled()
    expect(store.signOutError).toBe('Greenline could not sign you out right now. Try again.')
  })

  it('on the single-user host signs out without any HTTP call', async () => {
    setActivePinia(createPinia())
    const fetch = serve({ 'GET /auth/config': empty(404) })
    api.answer({ 'org:users': users })
    const store = useSessionStore()
    await store.restore()
    const reload = vi.spyOn(window.location, 'reload').mockImplementation(() => undefined)
    await store.signOut()
    expect(fetch.mock.calls.map(([path]) => path)).toEqual(['/auth/config'])
    expect(reload).toHaveBeenCalled()
  })
})

describe('accepting an invitation', () => {
  beforeEach(() => {
    api.reset()
    at('/invite?token=tok-123')
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
    document.body.innerHTML = ''
  })

  async function fill(wrapper: Awaited<ReturnType<typeof renderApp>>, password: string, again: string) {
    await wrapper.get('#invite-password').setValue(password)
    await wrapper.get('#invite-confirmation').setValue(again)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
  }

  it('asks for a new password twice, with new-password autocomplete', async () => {
    serve(signedOut)
    const wrapper = await renderApp()
    expect(wrapper.get('h2').text()).toBe('Set your password')
    for (const id of ['#invite-password', '#invite-confirmation']) {
      expect(wrapper.get(id).attributes('type')).toBe('password')
      expect(wrapper.get(id).attributes('autocomplete')).toBe('new-password')
    }
  })

  it('says a short password is too short, and one that differs does not match, without asking the server', async () => {
    const fetch = serve(signedOut)
    const wrapper = await renderApp()
    fetch.mockClear()
    await fill(wrapper, 'short', 'short')
    expect(wrapper.get('[role="alert"]').text()).toBe('Use at least 12 characters.')
    await fill(wrapper, 'long enough password', 'long enough passwort')
    expect(wrapper.get('[role="alert"]').text()).toBe("The two passwords don't match.")
    expect(fetch).not.toHaveBeenCalled()
  })

  it('posts the token and password, then goes to / and signs in', async () => {
    let accepted = false
    const fetch = serve({
      'GET /auth/config': config(),
      'GET /auth/me': () => (accepted ? json(200, { user: { id: 'sam', name: 'Sam Lee' }, role: 'member' }) : empty(401)),
      'POST /auth/invite/accept': () => {
        accepted = true
        return empty(204)
      },
    })
    api.answer({ 'session:get': { ...priya, user: users[1] } })
    const wrapper = await renderApp()
    await fill(wrapper, 'a long new password', 'a long new password')
    expect(bodyOf(fetch, 'POST', '/auth/invite/accept')).toEqual({ token: 'tok-123', password: 'a long new password' })
    expect(location.pathname).toBe('/')
    expect(location.search).toBe('')
    expect(api.call).toHaveBeenCalledWith('session:get', {})
    expect(wrapper.find('[data-testid="signed-in"]').exists()).toBe(true)
  })

  it('on 410 says the invitation has expired', async () => {
    serve({ ...signedOut, 'POST /auth/invite/accept': empty(410) })
    const wrapper = await renderApp()
    await fill(wrapper, 'a long new password', 'a long new password')
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'This invitation has expired or was already used. Ask your administrator for a new one.',
    )
    expect(wrapper.find('[data-testid="signed-in"]').exists()).toBe(false)
  })

  it("on 400 shows the server's message", async () => {
    serve({ ...signedOut, 'POST /auth/invite/accept': json(400, { message: 'That password is too common.' }) })
    const wrapper = await renderApp()
    await fill(wrapper, 'password1234', 'password1234')
    expect(wrapper.get('[role="alert"]').text()).toBe('That password is too common.')
  })
})
