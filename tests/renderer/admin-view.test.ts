// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { DirectoryUser } from '../../electron/shared/api/contract'
import type { Session } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { default: AdminView } = await import('../../src/views/AdminView.vue')
const { default: NavBar } = await import('../../src/components/layout/NavBar.vue')
const { useSessionStore } = await import('../../src/stores/session')

type Mode = 'local' | 'demo' | 'team' | 'desktop'
type Role = 'admin' | 'member'

const session: Session = { user: { id: 'priya', name: 'Priya Shah' }, org: { name: 'Acme Dental', whatsappEnabled: true, sandbox: false } }

const people: DirectoryUser[] = [
  { id: 'priya', name: 'Priya Shah', role: 'admin', active: true, hasPassword: true, invitePending: false },
  { id: 'sam@acme.test', name: 'Sam Lee', role: 'member', active: true, hasPassword: false, invitePending: true },
  { id: 'dana', name: 'Dana Ortiz', role: 'member', active: false, hasPassword: true, invitePending: false },
]

function renderNav(mode: Mode, role: Role | undefined) {
  const pinia = testingPinia({ initialState: { session: { session, mode, role } } })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] })
  return mount(NavBar, { global: { plugins: [pinia, router] } })
}

async function renderAdmin(mode: Mode, role: Role | undefined) {
  const pinia = createPinia()
  setActivePinia(pinia)
  Object.assign(useSessionStore(), { session, mode, role })
  const wrapper = mount(AdminView, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const callsTo = (channel: string) => api.call.mock.calls.filter(([c]) => c === channel)

describe('admin screen', () => {
  beforeEach(() => api.reset())
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('links to /admin from the navigation only for team administrators', () => {
    expect(renderNav('team', 'admin').get('[data-testid="nav-admin"]').attributes('href')).toBe('/admin')
    expect(renderNav('team', 'member').find('[data-testid="nav-admin"]').exists()).toBe(false)
    expect(renderNav('demo', 'admin').find('[data-testid="nav-admin"]').exists()).toBe(false)
    expect(renderNav('local', undefined).find('[data-testid="nav-admin"]').exists()).toBe(false)
  })

  it('refuses members (and other hosts) on the page itself, without asking the server', async () => {
    api.answer({})
    for (const [mode, role] of [
      ['team', 'member'],
      ['demo', 'admin'],
      ['local', undefined],
    ] as const) {
      const wrapper = await renderAdmin(mode, role)
      expect(wrapper.get('[data-testid="admin-refused"]').text()).toBe('Only administrators can see this page.')
      expect(wrapper.find('[data-testid="people-table"]').exists()).toBe(false)
      expect(wrapper.find('[data-testid="invite-form"]').exists()).toBe(false)
      wrapper.unmount()
    }
    expect(api.call).not.toHaveBeenCalled()
  })

  it('lists people with their role and status, and pending invitations', async () => {
    api.answer({ 'users:list': people })
    const wrapper = await renderAdmin('team', 'admin')
    expect(wrapper.find('[data-testid="admin-refused"]').exists()).toBe(false)
    const row = (id: string) => wrapper.get(`[data-testid="person-${id}"]`)
    // Sorted by name.
    expect(wrapper.findAll('tbody tr').map((r) => r.find('th').text())).toEqual(['Dana Ortiz', 'Priya Shah (you)', 'Sam Lee'])
    expect(row('sam@acme.test').text()).toContain('sam@acme.test')
    expect(row('sam@acme.test').get('[data-testid="person-status"]').text()).toBe('Active, Invitation pending')
    expect(row('dana').get('[data-testid="person-status"]').text()).toBe('Deactivated')
    expect(row('priya').get('[data-testid="person-status"]').text()).toBe('Active')
    expect(row('priya').text()).toContain('Administrator')
    expect(row('dana').find('[data-testid="person-reactivate"]').exists()).toBe(true)
    expect(row('sam@acme.test').find('[data-testid="person-deactivate"]').exists()).toBe(true)
    // No deactivating yourself from here: it would end this very session.
    expect(row('priya').find('[data-testid="person-deactivate"]').exists()).toBe(false)
  })

  it('invites with exactly the typed payload and shows the link to copy', async () => {
    const writeText = vi.fn(async () => undefined)
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const inviteUrl = 'https://greenline.test/invite?token=abc123'
    api.answer({ 'users:list': people, 'users:invite': { userId: 'lee@acme.test', inviteUrl, expiresAt: 1 } })
    const wrapper = await renderAdmin('team', 'admin')
    expect(wrapper.get('#invite-user-id-hint').text()).toBe('Use their work e-mail address if they sign in with single sign-on')
    expect(wrapper.get('[data-testid="invite-user-id"]').attributes('aria-describedby')).toBe('invite-user-id-hint')
    await wrapper.get('[data-testid="invite-user-id"]').setValue('lee@acme.test')
    await wrapper.get('[data-testid="invite-name"]').setValue('Lee Park')
    await wrapper.get('[data-testid="invite-role"]').setValue('admin')
    await wrapper.get('[data-testid="invite-form"]').trigger('submit')
    await flushPromises()
    expect(callsTo('users:invite')).toEqual([['users:invite', { userId: 'lee@acme.test', name: 'Lee Park', role: 'admin' }]])
    // The new person shows up in the table.
    expect(callsTo('users:list')).toHaveLength(2)
    const result = wrapper.get('[data-testid="invite-result"]')
    const link = result.get<HTMLInputElement>('#invite-link')
    expect(link.element.value).toBe(inviteUrl)
    expect(link.attributes('readonly')).toBeDefined()
    expect(wrapper.get('label[for="invite-link"]').text()).toBe('Invitation link')
    expect(result.text()).toContain('Valid for 72 hours — send it to them yourself.')
    await result.get('[data-testid="invite-link-copy"]').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(inviteUrl)
    expect(result.get('[data-testid="invite-link-status"]').text()).toBe('Copied.')
  })

  it('says what is wrong with a user ID before sending it', async () => {
    api.answer({ 'users:list': people })
    const wrapper = await renderAdmin('team', 'admin')
    await wrapper.get('[data-testid="invite-user-id"]').setValue('lee park')
    await wrapper.get('[data-testid="invite-name"]').setValue('Lee Park')
    await wrapper.get('[data-testid="invite-form"]').trigger('submit')
    await flushPromises()
    expect(callsTo('users:invite')).toHaveLength(0)
    expect(wrapper.get('[data-testid="invite-user-id"]').attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('#invite-user-id-problem').text()).toBe('A user ID has letters, digits and . _ @ + - only.')
  })

  it('deactivates only after the inline confirmation, then refreshes the list', async () => {
    let list = people
    api.answer({
      'users:list': () => list,
      'users:deactivate': ({ userId }: { userId: string }) => {
        list = people.map((p) => (p.id === userId ? { ...p, active: false } : p))
        return { userId, active: false }
      },
    })
    const wrapper = await renderAdmin('team', 'admin')
    const row = () => wrapper.get('[data-testid="person-sam@acme.test"]')
    await row().get('[data-testid="person-deactivate"]').trigger('click')
    const confirm = row().get('[role="group"]')
    expect(confirm.text()).toContain('Deactivate Sam Lee?')
    expect(confirm.text()).toContain('They are signed out everywhere at once. Their conversations stay with the other participants.')
    await flushPromises()
    // The safe choice has the focus.
    expect(document.activeElement).toBe(confirm.get('[data-testid="confirm-no"]').element)
    expect(callsTo('users:deactivate')).toHaveLength(0)

    // Cancelling sends nothing.
    await confirm.get('[data-testid="confirm-no"]').trigger('click')
    await flushPromises()
    expect(callsTo('users:deactivate')).toHaveLength(0)
    expect(document.activeElement).toBe(row().get('[data-testid="person-deactivate"]').element)

    await row().get('[data-testid="person-deactivate"]').trigger('click')
    await row().get('[data-testid="confirm-yes"]').trigger('click')
    await flushPromises()
    expect(callsTo('users:deactivate')).toEqual([['users:deactivate', { userId: 'sam@acme.test' }]])
    expect(callsTo('users:list')).toHaveLength(2)
    expect(row().get('[data-testid="person-status"]').text()).toContain('Deactivated')
    expect(row().find('[data-testid="person-reactivate"]').exists()).toBe(true)
  })

  it('reactivates with one click and refreshes', async () => {
    api.answer({ 'users:list': people, 'users:reactivate': { userId: 'dana', active: true } })
    const wrapper = await renderAdmin('team', 'admin')
    await wrapper.get('[data-testid="person-dana"] [data-testid="person-reactivate"]').trigger('click')
    await flushPromises()
    expect(callsTo('users:reactivate')).toEqual([['users:reactivate', { userId: 'dana' }]])
    expect(callsTo('users:list')).toHaveLength(2)
  })

  it('promotes a member to administrator, and offers no role change on your own row', async () => {
    api.answer({ 'users:list': people, 'users:setRole': { ...people[1], role: 'admin' } })
    const wrapper = await renderAdmin('team', 'admin')
    expect(wrapper.find('[data-testid="person-priya"] [data-testid="person-role"]').exists()).toBe(false)
    const button = wrapper.get('[data-testid="person-sam@acme.test"] [data-testid="person-role"]')
    expect(button.text()).toBe('Make administrator')
    await button.trigger('click')
    await flushPromises()
    expect(callsTo('users:setRole')).toEqual([['users:setRole', { userId: 'sam@acme.test', role: 'admin' }]])
    expect(callsTo('users:list')).toHaveLength(2)
  })

  it("shows the server's refusal in an alert", async () => {
    const admins = people.map((p) => (p.id === 'sam@acme.test' ? { ...p, role: 'admin' as const } : p))
    api.answer({
      'users:list': admins,
      'users:deactivate': () => {
        throw new ApiRequestError({ code: 'conflict', message: 'This is the last administrator; make someone else an administrator first' })
      },
    })
    const wrapper = await renderAdmin('team', 'admin')
    await wrapper.get('[data-testid="person-sam@acme.test"] [data-testid="person-deactivate"]').trigger('click')
    await wrapper.get('[data-testid="confirm-yes"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('This is the last administrator; make someone else an administrator first.')
    // Nothing changed, so nothing to reload.
    expect(callsTo('users:list')).toHaveLength(1)
  })

  it("shows a refused invitation in the form's alert", async () => {
    api.answer({
      'users:list': people,
      'users:invite': () => {
        throw new ApiRequestError({ code: 'conflict', message: 'sam@acme.test already has an account' })
      },
    })
    const wrapper = await renderAdmin('team', 'admin')
    await wrapper.get('[data-testid="invite-user-id"]').setValue('sam@acme.test')
    await wrapper.get('[data-testid="invite-name"]').setValue('Sam Lee')
    await wrapper.get('[data-testid="invite-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="invite-error"]').attributes('role')).toBe('alert')
    expect(wrapper.get('[data-testid="invite-error"]').text()).toBe('sam@acme.test already has an account.')
    expect(wrapper.find('[data-testid="invite-result"]').exists()).toBe(false)
  })
})

describe('admin screen: WhatsApp', () => {
  beforeEach(() => api.reset())
  afterEach(() => {
    document.body.innerHTML = ''
  })

  const webhook = { callbackUrl: 'https://greenline.acme.example/webhooks/whatsapp', verifyToken: 'verify-123', mode: 'cloud' as const }
  const saved = {
    mode: 'sandbox' as const,
    saved: { phoneNumberId: '1065', accessTokenSet: true, appSecretSet: false, verifyTokenSet: false },
    environmentOverrides: [],
    restartRequired: false,
  }

  it('shows what to paste into Meta, and secrets only as saved or not', async () => {
    api.answer({ 'users:list': people, 'admin:webhook': webhook, 'admin:connector': saved })
    const wrapper = await renderAdmin('team', 'admin')
    expect((wrapper.get('#webhook-url').element as HTMLInputElement).value).toBe(webhook.callbackUrl)
    expect((wrapper.get('#webhook-verify-token').element as HTMLInputElement).value).toBe('verify-123')
    expect((wrapper.get('#wa-phone').element as HTMLInputElement).value).toBe('1065')
    expect((wrapper.get('#wa-token').element as HTMLInputElement).value).toBe('')
    expect(wrapper.get('#wa-token').attributes('placeholder')).toMatch(/Saved/)
    expect(wrapper.get('#wa-secret').attributes('placeholder')).toBe('Not set')
  })

  it('sends only the secrets typed, clears them after saving, and says a restart applies them', async () => {
    api.answer({
      'users:list': people,
      'admin:webhook': webhook,
      'admin:connector': saved,
      'admin:setConnector': { ...saved, saved: { ...saved.saved, appSecretSet: true }, restartRequired: true },
    })
    const wrapper = await renderAdmin('team', 'admin')
    await wrapper.get('#wa-secret').setValue('new-app-secret')
    await wrapper.get('form.connector-form').trigger('submit')
    await flushPromises()
    expect(callsTo('admin:setConnector')).toEqual([
      ['admin:setConnector', { phoneNumberId: '1065', wabaId: '', appSecret: 'new-app-secret' }],
    ])
    expect((wrapper.get('#wa-secret').element as HTMLInputElement).value).toBe('')
    expect(wrapper.get('[data-testid="connector-restart"]').text()).toMatch(/apply when the server restarts/)
  })

  it("shows the server's reason when the settings would not start", async () => {
    api.answer({
      'users:list': people,
      'admin:webhook': webhook,
      'admin:connector': saved,
      'admin:setConnector': () => {
        throw new ApiRequestError({ code: 'invalid', message: 'A WhatsApp access token is set but the phone number id is missing' })
      },
    })
    const wrapper = await renderAdmin('team', 'admin')
    await wrapper.get('form.connector-form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="connector-error"]').text()).toBe('A WhatsApp access token is set but the phone number id is missing')
  })
})

describe('admin screen: audit log', () => {
  beforeEach(() => api.reset())
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('lists who did what, as text', async () => {
    api.answer({
      'users:list': people,
      'admin:audit': [
        { id: '2', at: Date.UTC(2026, 11, 4, 9), actorId: 'priya', action: 'user.deactivated', detail: { userId: '<b>dana</b>' } },
        { id: '1', at: Date.UTC(2026, 11, 4, 8), action: 'consent.granted', detail: { contactId: 'c1' } },
      ],
    })
    const wrapper = await renderAdmin('team', 'admin')
    const rows = wrapper.findAll('[data-testid="audit-entry"]')
    expect(rows).toHaveLength(2)
    expect(rows[0].text()).toContain('priya')
    expect(rows[0].text()).toContain('user.deactivated')
    expect(rows[0].text()).toContain('userId: <b>dana</b>')
    expect(rows[0].find('b').exists()).toBe(false)
    expect(rows[1].text()).toContain('Greenline')
    expect(callsTo('admin:audit')).toEqual([['admin:audit', { limit: 200 }]])
  })
})

describe('admin screen: organization policy', () => {
  beforeEach(() => api.reset())
  afterEach(() => {
    document.body.innerHTML = ''
  })

  const view = { policy: { name: 'Acme Dental', lexicon: [] }, source: 'file' as const, restartRequired: false }

  it("edits the policy as JSON and shows the server's field-level refusal", async () => {
    api.answer({
      'users:list': people,
      'admin:policy': view,
      'admin:setPolicy': () => {
        throw new ApiRequestError({ code: 'invalid', message: 'In the policy, attribution must contain {name} and {text}' })
      },
    })
    const wrapper = await renderAdmin('team', 'admin')
    expect(JSON.parse((wrapper.get('[data-testid="policy-json"]').element as HTMLTextAreaElement).value)).toEqual(view.policy)
    await wrapper.get('[data-testid="policy-json"]').setValue('{ "name": "Acme", "attribution": "x" }')
    await wrapper.get('form.policy-form').trigger('submit')
    await flushPromises()
    expect(callsTo('admin:setPolicy')).toEqual([['admin:setPolicy', { policy: { name: 'Acme', attribution: 'x' } }]])
    expect(wrapper.get('[data-testid="policy-error"]').text()).toBe('In the policy, attribution must contain {name} and {text}')
  })

  it('refuses text that is not JSON without asking the server', async () => {
    api.answer({ 'users:list': people, 'admin:policy': view })
    const wrapper = await renderAdmin('team', 'admin')
    await wrapper.get('[data-testid="policy-json"]').setValue('{ name: Acme')
    await wrapper.get('form.policy-form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="policy-error"]').text()).toMatch(/not valid JSON/)
    expect(callsTo('admin:setPolicy')).toEqual([])
  })
})

describe('admin screen: handing conversations over', () => {
  beforeEach(() => api.reset())
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it("hands a deactivated colleague's conversation to an active one", async () => {
    const conversation = { id: 'v1', contactName: 'Ana Souza', channel: 'whatsapp' }
    api.answer({ 'users:list': people, 'admin:conversationsOf': [conversation], 'admin:handOver': {} })
    const wrapper = await renderAdmin('team', 'admin')
    await wrapper.get('[data-testid="handover-show-dana"]').trigger('click')
    await flushPromises()
    expect(callsTo('admin:conversationsOf')).toEqual([['admin:conversationsOf', { userId: 'dana' }]])
    const row = wrapper.get('[data-testid="handover-v1"]')
    expect(row.text()).toContain('Ana Souza (WhatsApp)')
    // Only active colleagues can take it.
    expect(row.findAll('option').map((o) => o.text())).toEqual(['Choose a colleague', 'Priya Shah', 'Sam Lee'])
    expect(row.get('[data-testid="handover-confirm"]').attributes('disabled')).toBeDefined()
    await row.get('select').setValue('priya')
    await row.get('[data-testid="handover-confirm"]').trigger('click')
    await flushPromises()
    expect(callsTo('admin:handOver')).toEqual([['admin:handOver', { id: 'v1', fromUserId: 'dana', toUserId: 'priya' }]])
    expect(wrapper.find('[data-testid="handover-v1"]').exists()).toBe(false)
  })
})
