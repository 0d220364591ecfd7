// @vitest-environment happy-dom
// @team-client: Settings → Team server in the desktop app, against a fake `window.greenlineTeam`
// that plays Electron main (the words it answers with are the team client's own).
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { TeamServerApi, TeamServerStatus } from '../../electron/shared/api/team-server'
import { ENGINE_TEXTS } from '../../electron/shared/api/engine-text'
import type { Result } from '../../electron/shared/api/result'
import type { Session } from '../../electron/shared/domain'
import { PROBLEM_MESSAGES } from '../../electron/team-client/connection-errors'
import { SIGN_IN_MESSAGES } from '../../electron/team-client/device-sign-in'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { default: TeamServerSettings } = await import('../../src/components/settings/TeamServerSettings.vue')
const { default: SettingsView } = await import('../../src/views/SettingsView.vue')
const { default: SignIn } = await import('../../src/components/session/SignIn.vue')
const { useSessionStore } = await import('../../src/stores/session')

const URL_ = 'https://greenline.acme.example'
const signedOut: TeamServerStatus = { connection: 'signed-out', signingIn: false, outbox: { waiting: 0, failed: 0 } }
const online: TeamServerStatus = {
  serverUrl: URL_,
  user: { id: 'priya', name: 'Priya Shah' },
  connection: 'online',
  signingIn: false,
  outbox: { waiting: 0, failed: 0 },
}
const session: Session = { user: { id: 'priya', name: 'Priya Shah' }, org: { name: 'Acme Dental', whatsappEnabled: true, sandbox: false } }

/** A promise the test settles when it chooses (a browser sign-in the person has not finished). */
function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

const ok = (value: TeamServerStatus): Result<TeamServerStatus> => ({ ok: true, value })

/** Plays Electron main behind the preload's bridge; `push` is its `team:changed` event. */
function fakeTeamApi(initial: TeamServerStatus) {
  const listeners = new Set<(status: TeamServerStatus) => void>()
  const fake = {
    status: vi.fn(async () => ok(initial)),
    signIn: vi.fn(async (_url: string) => ok(signedOut)),
    signInWithPassword: vi.fn(async (_url: string, _user: string, _password: string) => ok(signedOut)),
    cancelSignIn: vi.fn(async () => ok(signedOut)),
    signOut: vi.fn(async () => ok(signedOut)),
    retryNow: vi.fn(async () => ok(initial)),
    onChanged: vi.fn((listener: (status: TeamServerStatus) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }),
    push(status: TeamServerStatus) {
      for (const listener of listeners) listener(status)
    },
  }
  window.greenlineTeam = fake satisfies TeamServerApi
  return fake
}

let wrapper: VueWrapper | undefined

async function render(component: unknown = TeamServerSettings) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] })
  wrapper = mount(component as never, { global: { plugins: [pinia, router], stubs: { ExportPanel: true } }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const text = (testid: string) => wrapper!.get(`[data-testid="${testid}"]`).text()
const has = (testid: string) => wrapper!.find(`[data-testid="${testid}"]`).exists()
const value = (testid: string) => (wrapper!.get(`[data-testid="${testid}"]`).element as HTMLInputElement).value

describe('Settings → Team server @team-client', () => {
  beforeEach(() => api.reset())
  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    delete window.greenlineTeam
    document.body.innerHTML = ''
  })

  it('signs in in the system browser: waits for approval there, can be cancelled, keeps the address', async () => {
    const team = fakeTeamApi(signedOut)
    await render()
    expect(text('team-server-not-connected')).toMatch(/Not connected/)
    await wrapper!.get('[data-testid="team-server-url"]').setValue(URL_)
    const browser = deferred<Result<TeamServerStatus>>()
    team.signIn.mockReturnValueOnce(browser.promise)
    await wrapper!.get('[data-testid="team-server-form"]').trigger('submit')
    expect(team.signIn).toHaveBeenCalledWith(URL_)
    // Main says the sign-in is under way: the screen says where to finish it.
    team.push({ ...signedOut, serverUrl: URL_, signingIn: true })
    await flushPromises()
    expect(text('team-server-waiting')).toMatch(/approve this computer in the browser/)
    await wrapper!.get('[data-testid="team-server-cancel"]').trigger('click')
    expect(team.cancelSignIn).toHaveBeenCalled()
    browser.resolve(ok({ ...signedOut, serverUrl: URL_, message: SIGN_IN_MESSAGES.cancelled }))
    await flushPromises()
    expect(has('team-server-waiting')).toBe(false)
    expect(text('team-server-problem')).toBe(SIGN_IN_MESSAGES.cancelled)
    expect(value('team-server-url')).toBe(URL_)
  })

  it('each failure has its own words, and nothing typed is lost; success shows who and where, and clears the password', async () => {
    const team = fakeTeamApi(signedOut)
    await render()
    await wrapper!.get('[data-testid="team-server-url"]').setValue(URL_)
    await wrapper!.get('[data-testid="team-server-password-toggle"]').trigger('click')
    await wrapper!.get('[data-testid="team-server-user"]').setValue('priya')
    await wrapper!.get('[data-testid="team-server-password"]').setValue('correct horse')

    const failures = [SIGN_IN_MESSAGES.unreachable, SIGN_IN_MESSAGES.certificate, SIGN_IN_MESSAGES.mismatch]
    for (const message of failures) {
      team.signInWithPassword.mockResolvedValueOnce(ok({ ...signedOut, serverUrl: URL_, message }))
      await wrapper!.get('[data-testid="team-server-password-form"]').trigger('submit')
      await flushPromises()
      expect(text('team-server-problem')).toBe(message)
      expect([value('team-server-url'), value('team-server-user'), value('team-server-password')]).toEqual([URL_, 'priya', 'correct horse'])
    }
    expect(new Set(failures).size).toBe(3)
    expect(team.signInWithPassword).toHaveBeenLastCalledWith(URL_, 'priya', 'correct horse')

    team.signInWithPassword.mockResolvedValueOnce(ok({ ...online, connection: 'connecting' }))
    await wrapper!.get('[data-testid="team-server-password-form"]').trigger('submit')
    await flushPromises()
    expect(text('team-server-connected')).toBe(`Connected as Priya Shah to ${URL_}`)
    expect(text('team-server-connection')).toBe('Connecting…')
    expect(has('team-server-problem')).toBe(false)
    team.push(online)
    await flushPromises()
    expect(text('team-server-connection')).toBe('Online')
    // Signed out later (below), the password field is back empty: it was never kept.
    team.signOut.mockResolvedValueOnce(ok({ ...signedOut, serverUrl: URL_ }))
    await wrapper!.get('[data-testid="team-server-sign-out"]').trigger('click')
    await flushPromises()
    await wrapper!.get('[data-testid="team-server-password-toggle"]').trigger('click')
    expect(value('team-server-password')).toBe('')
    expect(value('team-server-user')).toBe('priya')
  })

  it('shows the connection as it changes: offline with the reason, reconnecting, and messages waiting', async () => {
    const team = fakeTeamApi(online)
    await render()
    expect(text('team-server-connection')).toBe('Online')
    team.push({ ...online, connection: 'offline', message: PROBLEM_MESSAGES.unreachable, outbox: { waiting: 3, failed: 1 } })
    await flushPromises()
    expect(text('team-server-connection')).toContain('Offline')
    expect(text('team-server-offline-reason')).toContain(PROBLEM_MESSAGES.unreachable)
    expect(text('team-server-outbox')).toBe('3 waiting for connection. 1 could not be sent.')
    team.push({ ...online, connection: 'offline', message: PROBLEM_MESSAGES.certificate })
    await flushPromises()
    expect(text('team-server-offline-reason')).toContain(PROBLEM_MESSAGES.certificate)
    team.push({ ...online, connection: 'connecting' })
    await flushPromises()
    expect(text('team-server-connection')).toBe('Reconnecting…')
  })

  it('a token the server refuses signs this computer out with its own message; the address stays to sign in again', async () => {
    const team = fakeTeamApi(online)
    await render()
    team.push({ ...signedOut, serverUrl: URL_, message: PROBLEM_MESSAGES['refused-token'] })
    await flushPromises()
    expect(text('team-server-problem')).toBe(PROBLEM_MESSAGES['refused-token'])
    expect(value('team-server-url')).toBe(URL_)
    expect(has('team-server-sign-out')).toBe(false)
  })

  it('writes the reason main gives in the window’s language from its code, and its English for a code it does not know', async () => {
    const { i18n } = await import('../../src/i18n')
    i18n.global.locale.value = 'de'
    try {
      const team = fakeTeamApi(online)
      await render()
      team.push({
        ...online,
        connection: 'offline',
        message: ENGINE_TEXTS['teamServer.unreachable'],
        messageText: { code: 'teamServer.unreachable' },
      })
      await flushPromises()
      expect(text('team-server-offline-reason')).toContain(
        'Der Greenline-Server ist nicht erreichbar. Prüfen Sie die Adresse und Ihr Netzwerk; Greenline versucht es weiter.',
      )
      team.push({ ...signedOut, serverUrl: URL_, message: 'The server moved', messageText: { code: 'teamServer.moved' } })
      await flushPromises()
      expect(text('team-server-problem')).toBe('The server moved')
    } finally {
      i18n.global.locale.value = 'en'
    }
  })

  it('a call main refuses says so and changes nothing', async () => {
    const team = fakeTeamApi(online)
    await render()
    team.signOut.mockResolvedValueOnce({ ok: false, error: { code: 'forbidden', message: 'This page may not use Greenline' } })
    await wrapper!.get('[data-testid="team-server-sign-out"]').trigger('click')
    await flushPromises()
    expect(text('team-server-error')).toBe('This page may not use Greenline')
    expect(text('team-server-connected')).toContain('Priya Shah')
  })
})

describe('where Team server appears @team-client', () => {
  beforeEach(() => api.reset())
  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    delete window.greenlineTeam
    document.body.innerHTML = ''
  })

  it('not in a browser: Settings has no Team server section', async () => {
    api.answer({})
    const pinia = createPinia()
    setActivePinia(pinia)
    Object.assign(useSessionStore(), { session, mode: 'local' })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }],
    })
    wrapper = mount(SettingsView, { global: { plugins: [pinia, router], stubs: { ExportPanel: true } }, attachTo: document.body })
    await flushPromises()
    expect(has('settings-display')).toBe(true)
    expect(has('settings-team-server')).toBe(false)
  })

  it('in the desktop app signed in through the server: Settings signs out there, not with the local user switch', async () => {
    api.answer({})
    fakeTeamApi(online)
    const pinia = createPinia()
    setActivePinia(pinia)
    Object.assign(useSessionStore(), { session, mode: 'desktop' })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }],
    })
    wrapper = mount(SettingsView, { global: { plugins: [pinia, router], stubs: { ExportPanel: true } }, attachTo: document.body })
    await flushPromises()
    expect(text('settings-team-server')).toContain('Connected as Priya Shah')
    expect(has('settings-via-team-server')).toBe(true)
    expect(has('settings-sign-out')).toBe(false)
  })

  it('the desktop app’s first screen offers joining the office’s server beside picking a local user', async () => {
    fakeTeamApi(signedOut)
    const pinia = createPinia()
    setActivePinia(pinia)
    Object.assign(useSessionStore(), { mode: 'desktop', users: [{ id: 'sam', name: 'Sam Lee' }] })
    wrapper = mount(SignIn, { global: { plugins: [pinia] }, attachTo: document.body })
    await flushPromises()
    expect(has('sign-in-sam')).toBe(true)
    expect(text('sign-in-team-server')).toContain('Not connected')
  })
})
