// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { DirectoryUser } from '../../electron/shared/api/contract'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { default: AuditLog } = await import('../../src/components/admin/AuditLog.vue')
const { default: PolicyEditor } = await import('../../src/components/admin/PolicyEditor.vue')
const { default: HandOver } = await import('../../src/components/admin/HandOver.vue')
const { default: PeopleTable } = await import('../../src/components/admin/PeopleTable.vue')
const { default: InviteForm } = await import('../../src/components/admin/InviteForm.vue')
const { useDirectoryStore } = await import('../../src/stores/directory')

const refusal = (message: string) => () => {
  throw new ApiRequestError({ code: 'forbidden', message })
}
const callsTo = (channel: string) => api.call.mock.calls.filter(([c]) => c === channel).map(([, payload]) => payload)
const people: DirectoryUser[] = [
  { id: 'priya', name: 'Priya Shah', role: 'admin', active: true, hasPassword: true, invitePending: false },
  { id: 'sam', name: 'Sam Lee', role: 'member', active: true, hasPassword: false, invitePending: true },
  { id: 'dana', name: 'Dana Ortiz', role: 'member', active: false, hasPassword: true, invitePending: false },
]

beforeEach(() => api.reset())
afterEach(() => {
  document.body.innerHTML = ''
})

describe('AuditLog', () => {
  it('shows ids and lists from the detail, never nested objects', async () => {
    api.answer({
      'admin:audit': [
        {
          id: '1',
          at: 1,
          actorId: 'priya',
          action: 'participants.added',
          detail: { userIds: ['sam', 'bo'], count: 2, message: { text: 'private' } },
        },
      ],
    })
    const wrapper = mount(AuditLog)
    await flushPromises()
    const cells = wrapper.get('[data-testid="audit-entry"]').findAll('td')
    expect(cells[3].text()).toBe('userIds: sam, bo · count: 2')
    expect(wrapper.text()).not.toContain('private')
  })

  it('says when nothing is recorded, and refreshes on request', async () => {
    api.answer({ 'admin:audit': [] })
    const wrapper = mount(AuditLog)
    await flushPromises()
    expect(wrapper.text()).toContain('Nothing has been recorded yet.')
    api.answer({ 'admin:audit': [{ id: '1', at: 1, action: 'user.invited', detail: { userId: 'sam' } }] })
    await wrapper.get('button.link').trigger('click')
    await flushPromises()
    expect(wrapper.findAll('[data-testid="audit-entry"]')).toHaveLength(1)
    expect(callsTo('admin:audit')).toEqual([{ limit: 200 }, { limit: 200 }])
  })

  it("says why the log did not load: the server's words or a plain fallback", async () => {
    api.answer({ 'admin:audit': refusal('Only administrators can read the audit log') })
    const refused = mount(AuditLog)
    await flushPromises()
    expect(refused.get('[role="alert"]').text()).toBe('Only administrators can read the audit log')
    api.call.mockRejectedValue(new Error('socket closed'))
    const failed = mount(AuditLog)
    await flushPromises()
    expect(failed.get('[role="alert"]').text()).toBe('Greenline could not load the audit log. Try again.')
  })

  it('keeps the entries it has when a refresh fails, and says how old they are', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date(2026, 11, 6, 9, 30))
    try {
      api.answer({ 'admin:audit': [{ id: '1', at: 1, action: 'user.invited', detail: { userId: 'sam' } }] })
      const wrapper = mount(AuditLog)
      await flushPromises()
      expect(wrapper.find('[data-testid="audit-stale"]').exists()).toBe(false)
      api.call.mockRejectedValue(new Error('socket closed'))
      await wrapper.get('button.link').trigger('click')
      await flushPromises()
      expect(wrapper.get('[role="alert"]').text()).toBe('Greenline could not load the audit log. Try again.')
      expect(wrapper.findAll('[data-testid="audit-entry"]')).toHaveLength(1)
      expect(wrapper.get('[data-testid="audit-stale"]').text()).toMatch(/^The entries below are from .*9:30/)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('PolicyEditor', () => {
  const view = { policy: { name: 'Acme Dental' }, source: 'file' as const, restartRequired: false }

  it('refuses JSON that is not an object without asking the server', async () => {
    api.answer({ 'admin:policy': view })
    const wrapper = mount(PolicyEditor)
    await flushPromises()
    expect(wrapper.text()).toContain('From the org file.')
    await wrapper.get('[data-testid="policy-json"]').setValue('["name"]')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="policy-error"]').text()).toBe('The policy is a JSON object: { "name": "…", … }.')
    expect(callsTo('admin:setPolicy')).toEqual([])
  })

  it('shows the saved policy as the server returned it and says when a restart applies it', async () => {
    api.answer({
      'admin:policy': view,
      'admin:setPolicy': { policy: { name: 'Acme', lexicon: [] }, source: 'saved', restartRequired: true },
    })
    const wrapper = mount(PolicyEditor)
    await flushPromises()
    expect(wrapper.find('[data-testid="policy-restart"]').exists()).toBe(false)
    await wrapper.get('[data-testid="policy-json"]').setValue('{"name":"Acme"}')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(JSON.parse((wrapper.get('[data-testid="policy-json"]').element as HTMLTextAreaElement).value)).toEqual({
      name: 'Acme',
      lexicon: [],
    })
    expect(wrapper.text()).toContain('Saved on the server; it wins over the org file.')
    expect(wrapper.get('[data-testid="policy-restart"]').text()).toBe('The saved policy applies when the server restarts.')
  })

  it('says the policy could not load, with no form to overwrite it blindly', async () => {
    api.call.mockRejectedValue(new Error('socket closed'))
    const wrapper = mount(PolicyEditor)
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('Greenline could not load the policy. Try again.')
    expect(wrapper.find('form').exists()).toBe(false)
  })
})

describe('HandOver', () => {
  function renderHandOver(users = people) {
    const pinia = testingPinia({ initialState: { directory: { users } } })
    return mount(HandOver, { global: { plugins: [pinia] } })
  }

  it('says so when nobody is deactivated', () => {
    expect(renderHandOver(people.filter((u) => u.active)).text()).toContain('Nobody is deactivated.')
  })

  it('keeps the conversation on the list and says why when the hand-over fails', async () => {
    api.answer({
      'admin:conversationsOf': [{ id: 'v1', contactName: 'Ana Souza', channel: 'sms' }],
      'admin:handOver': refusal('Sam Lee cannot use SMS'),
    })
    const wrapper = renderHandOver()
    await wrapper.get('[data-testid="handover-show-dana"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="handover-v1"] select').setValue('sam')
    await wrapper.get('[data-testid="handover-confirm"]').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('Sam Lee cannot use SMS')
    expect(wrapper.find('[data-testid="handover-v1"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="handover-confirm"]').attributes('disabled')).toBeUndefined()
  })

  it('says when a deactivated colleague had no open conversations', async () => {
    api.answer({ 'admin:conversationsOf': [] })
    const wrapper = renderHandOver()
    await wrapper.get('[data-testid="handover-show-dana"]').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('No open conversations.')
  })
})

describe('PeopleTable', () => {
  function renderPeople() {
    const pinia = testingPinia({
      initialState: { directory: { users: people, loaded: true }, session: { session: { user: { id: 'priya', name: 'Priya Shah' } } } },
    })
    const directory = useDirectoryStore()
    return { wrapper: mount(PeopleTable, { global: { plugins: [pinia] }, attachTo: document.body }), directory }
  }

  it('offers no role change nor deactivation on your own row', () => {
    const { wrapper } = renderPeople()
    const me = wrapper.get('[data-testid="person-priya"]')
    expect(me.text()).toContain('(you)')
    expect(me.find('[data-testid="person-role"]').exists()).toBe(false)
    expect(me.find('[data-testid="person-deactivate"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="person-sam"] [data-testid="person-status"]').text()).toContain('Invitation pending')
  })

  it('gives the focus back to the Deactivate button when the question is cancelled', async () => {
    const { wrapper, directory } = renderPeople()
    await wrapper.get('[data-testid="person-sam"] [data-testid="person-deactivate"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="person-sam"]').text()).toContain('Deactivate Sam Lee?')
    // The question hides the role button, so a click cannot change the role behind it.
    expect(wrapper.find('[data-testid="person-sam"] [data-testid="person-role"]').exists()).toBe(false)
    await wrapper.get('[data-testid="confirm-no"]').trigger('click')
    await flushPromises()
    expect(document.activeElement).toBe(wrapper.get('[data-testid="person-sam"] [data-testid="person-deactivate"]').element)
    expect(directory.deactivate).not.toHaveBeenCalled()
  })

  it('offers to try again when the list did not load', async () => {
    const pinia = testingPinia({ initialState: { directory: { listError: 'Greenline could not load the people.' } } })
    const wrapper = mount(PeopleTable, { global: { plugins: [pinia] } })
    await wrapper.get('[data-testid="people-list-error"] button').trigger('click')
    expect(useDirectoryStore().load).toHaveBeenCalledOnce()
  })
})

describe('InviteForm', () => {
  it('keeps Create disabled until both fields are filled, and clears them after an invitation', async () => {
    const pinia = testingPinia()
    const directory = useDirectoryStore()
    vi.mocked(directory.invite).mockResolvedValue({ userId: 'bo', inviteUrl: 'https://greenline.test/invite#t', expiresAt: 1 })
    const wrapper = mount(InviteForm, { global: { plugins: [pinia] } })
    expect(wrapper.get('[data-testid="invite-submit"]').attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid="invite-user-id"]').setValue('bo')
    await wrapper.get('[data-testid="invite-name"]').setValue('  Bo Chen ')
    expect(wrapper.get('[data-testid="invite-submit"]').attributes('disabled')).toBeUndefined()
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(directory.invite).toHaveBeenCalledWith({ userId: 'bo', name: '  Bo Chen ', role: 'member' })
    expect(wrapper.get('[data-testid="invite-result"]').text()).toContain('Bo Chen')
    expect((wrapper.get('[data-testid="invite-user-id"]').element as HTMLInputElement).value).toBe('')
    expect((wrapper.get('[data-testid="invite-name"]').element as HTMLInputElement).value).toBe('')
  })

  it('keeps what was typed when the invitation is refused', async () => {
    const pinia = testingPinia()
    const directory = useDirectoryStore()
    vi.mocked(directory.invite).mockResolvedValue(undefined)
    const wrapper = mount(InviteForm, { global: { plugins: [pinia] } })
    await wrapper.get('[data-testid="invite-user-id"]').setValue('bo')
    await wrapper.get('[data-testid="invite-name"]').setValue('Bo Chen')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid="invite-result"]').exists()).toBe(false)
    expect((wrapper.get('[data-testid="invite-user-id"]').element as HTMLInputElement).value).toBe('bo')
  })
})
