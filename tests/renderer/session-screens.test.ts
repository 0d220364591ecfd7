// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { default: AcceptInvite } = await import('../../src/components/session/AcceptInvite.vue')
const { default: SignIn } = await import('../../src/components/session/SignIn.vue')
const { useSessionStore } = await import('../../src/stores/session')

const PASSWORD = 'correct horse battery'

function renderInvite() {
  const pinia = testingPinia()
  const session = useSessionStore()
  vi.mocked(session.acceptInvite).mockResolvedValue({ ok: true })
  return { wrapper: mount(AcceptInvite, { global: { plugins: [pinia] } }), session }
}

async function fill(wrapper: ReturnType<typeof renderInvite>['wrapper'], password: string, confirmation = password) {
  await wrapper.get('[data-testid="invite-password"]').setValue(password)
  await wrapper.get('[data-testid="invite-confirmation"]').setValue(confirmation)
  await wrapper.get('[data-testid="accept-invite"]').trigger('submit')
  await flushPromises()
}

describe('AcceptInvite', () => {
  it('sets the password typed and shows no error', async () => {
    const { wrapper, session } = renderInvite()
    await fill(wrapper, PASSWORD)
    expect(session.acceptInvite).toHaveBeenCalledWith(PASSWORD)
    expect(wrapper.find('[data-testid="invite-error"]').exists()).toBe(false)
  })

  it('refuses a short password or a mismatch before asking the server', async () => {
    const { wrapper, session } = renderInvite()
    await fill(wrapper, 'short')
    expect(wrapper.get('[data-testid="invite-error"]').text()).toBe('Use at least 12 characters.')
    expect(wrapper.get('[data-testid="invite-password"]').attributes('aria-invalid')).toBe('true')
    await fill(wrapper, PASSWORD, `${PASSWORD}!`)
    expect(wrapper.get('[data-testid="invite-error"]').text()).toBe("The two passwords don't match.")
    expect(session.acceptInvite).not.toHaveBeenCalled()
  })

  it('says what went wrong: an expired invitation, the server refusing, or no answer', async () => {
    const { wrapper, session } = renderInvite()
    vi.mocked(session.acceptInvite).mockResolvedValueOnce({ ok: false, reason: 'expired' })
    await fill(wrapper, PASSWORD)
    expect(wrapper.get('[data-testid="invite-error"]').text()).toContain('This invitation has expired or was already used.')
    vi.mocked(session.acceptInvite).mockResolvedValueOnce({ ok: false, reason: 'rejected', message: 'That password is too common.' })
    await fill(wrapper, PASSWORD)
    expect(wrapper.get('[data-testid="invite-error"]').text()).toBe('That password is too common.')
    vi.mocked(session.acceptInvite).mockRejectedValueOnce(new Error('offline'))
    await fill(wrapper, PASSWORD)
    expect(wrapper.get('[data-testid="invite-error"]').text()).toBe('Greenline could not set your password right now. Try again.')
    expect(wrapper.get('[data-testid="invite-submit"]').attributes('disabled')).toBeUndefined()
  })

  it('sends once while the first request is on its way', async () => {
    const { wrapper, session } = renderInvite()
    let answer!: (value: { ok: true }) => void
    vi.mocked(session.acceptInvite).mockReturnValueOnce(new Promise((resolve) => (answer = resolve)))
    await wrapper.get('[data-testid="invite-password"]').setValue(PASSWORD)
    await wrapper.get('[data-testid="invite-confirmation"]').setValue(PASSWORD)
    await wrapper.get('[data-testid="accept-invite"]').trigger('submit')
    expect(wrapper.get('[data-testid="invite-submit"]').attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid="accept-invite"]').trigger('submit')
    answer({ ok: true })
    await flushPromises()
    expect(session.acceptInvite).toHaveBeenCalledOnce()
  })
})

describe('SignIn', () => {
  const users = [
    { id: 'priya', name: 'Priya Shah', extension: '201' },
    { id: 'sam', name: 'Sam Lee' },
  ]
  function renderSignIn(state: Record<string, unknown> = {}) {
    const pinia = testingPinia({ initialState: { session: { users, ...state } } })
    return { wrapper: mount(SignIn, { global: { plugins: [pinia] } }), session: useSessionStore() }
  }

  it('lists the people to sign in as, with their extension, and signs in the one chosen', async () => {
    const { wrapper, session } = renderSignIn()
    expect(wrapper.text()).toContain('Who are you?')
    expect(wrapper.get('[data-testid="sign-in-priya"]').text()).toContain('ext. 201')
    expect(wrapper.find('[data-testid="demo-badge"]').exists()).toBe(false)
    await wrapper.get('[data-testid="sign-in-sam"]').trigger('click')
    await flushPromises()
    expect(session.signIn).toHaveBeenCalledWith('sam')
  })

  it('says plainly when the server is a demo where anyone can be anyone', () => {
    const { wrapper } = renderSignIn({ mode: 'demo' })
    expect(wrapper.get('[data-testid="demo-badge"]').text()).toBe('Demo')
    expect(wrapper.get('[data-testid="demo-heading"]').text()).toBe('Demo sign-in — pick who you are')
  })

  it('shows why signing in failed and lets the user try again', async () => {
    const { wrapper, session } = renderSignIn()
    vi.mocked(session.signIn).mockRejectedValueOnce(new Error('Sam Lee was deactivated'))
    await wrapper.get('[data-testid="sign-in-sam"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('Sam Lee was deactivated')
    expect(wrapper.get('[data-testid="sign-in-priya"]').attributes('disabled')).toBeUndefined()
  })

  it("shows the session's error instead of the people when the list could not load", () => {
    const { wrapper } = renderSignIn({ error: 'The engine is not running' })
    expect(wrapper.get('[role="alert"]').text()).toBe('The engine is not running')
    expect(wrapper.find('[data-testid="sign-in-priya"]').exists()).toBe(false)
  })
})
