// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Conversation, Participant } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { default: ParticipantsPanel } = await import('../../src/components/participants/ParticipantsPanel.vue')
const { useParticipantsStore } = await import('../../src/stores/participants')

const person = (userId: string, name: string, leftAt?: number): Participant => ({
  userId,
  name,
  joinedAt: 1,
  ...(leftAt ? { leftAt } : {}),
})
const PRIYA = person('priya', 'Priya Shah')
const SAM = person('sam', 'Sam Lee')
const colleagues = [
  { id: 'priya', name: 'Priya Shah' },
  { id: 'sam', name: 'Sam Lee' },
  { id: 'bo', name: 'Bo Chen' },
]
const conversation = (participants: Participant[], fields: Partial<Conversation> = {}): Conversation => ({
  id: 'v1',
  contactId: 'c1',
  contactName: 'Ana Souza',
  channel: 'whatsapp',
  state: 'active',
  consent: 'granted',
  participants,
  unread: 0,
  lastActivityAt: 1,
  createdAt: 1,
  asOf: 1,
  ...fields,
})

/** The panel as Priya sees it; the store's actions are spies that succeed unless a test says otherwise. */
async function render(c: Conversation) {
  const pinia = testingPinia({
    initialState: { session: { session: { user: { id: 'priya', name: 'Priya Shah' } } }, participants: { colleagues } },
  })
  const store = useParticipantsStore()
  for (const action of [store.add, store.remove, store.leave, store.transfer, store.restart])
    vi.mocked(action).mockResolvedValue({ ok: true })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] })
  await router.push('/messages/v1')
  const wrapper = mount(ParticipantsPanel, { props: { conversation: c }, global: { plugins: [pinia, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, store, router }
}

const rows = (wrapper: Awaited<ReturnType<typeof render>>['wrapper']) =>
  wrapper.findAll('[data-testid="participant-row"]').map((row) => row.text().replace(/\s*Remove$/, ''))

describe('ParticipantsPanel', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('lists the people still here, marks me, and loads the colleagues', async () => {
    const { wrapper, store } = await render(conversation([PRIYA, SAM, person('bo', 'Bo Chen', 5)]))
    expect(rows(wrapper)).toEqual(['PPriya Shah (you)', 'SSam Lee'])
    expect(store.loadColleagues).toHaveBeenCalled()
    expect(wrapper.findAll('[data-testid="participant-remove"]').map((b) => b.attributes('aria-label'))).toEqual(['Remove Sam Lee'])
  })

  it('only a participant may add, remove, transfer or leave', async () => {
    const { wrapper } = await render(conversation([SAM]))
    for (const id of ['participant-add', 'participant-transfer', 'participant-leave', 'participant-remove']) {
      expect(wrapper.find(`[data-testid="${id}"]`).exists(), id).toBe(false)
    }
  })

  it('adds a colleague chosen from those not here yet', async () => {
    const { wrapper, store } = await render(conversation([PRIYA, SAM]))
    await wrapper.get('[data-testid="participant-add"]').trigger('click')
    const select = wrapper.get('[data-testid="participant-add-select"]')
    expect(select.findAll('option:not([disabled])').map((o) => o.text())).toEqual(['Bo Chen'])
    expect(wrapper.get('[data-testid="participant-add-confirm"]').attributes('disabled')).toBeDefined()
    await select.setValue('bo')
    await wrapper.get('[data-testid="participant-add-confirm"]').trigger('submit')
    await flushPromises()
    expect(store.add).toHaveBeenCalledWith('v1', 'bo')
    expect(wrapper.find('[data-testid="participant-add-select"]').exists()).toBe(false)
  })

  it('says so when everyone is already here', async () => {
    const { wrapper } = await render(conversation([PRIYA, SAM, person('bo', 'Bo Chen')]))
    await wrapper.get('[data-testid="participant-add"]').trigger('click')
    expect(wrapper.text()).toContain('Everyone in your organization is already here.')
  })

  it('removing asks first, names the person, and shows why it failed', async () => {
    const { wrapper, store } = await render(conversation([PRIYA, SAM]))
    await wrapper.get('[data-testid="participant-remove"]').trigger('click')
    expect(wrapper.text()).toContain('Remove Sam Lee from this conversation? They lose it from their list.')
    expect(store.remove).not.toHaveBeenCalled()

    vi.mocked(store.remove).mockResolvedValueOnce({ ok: false, message: 'Sam Lee already left this conversation' })
    await wrapper.get('[data-testid="participant-remove-confirm"]').trigger('click')
    await flushPromises()
    expect(store.remove).toHaveBeenCalledWith('v1', 'sam')
    expect(wrapper.get('[data-testid="participants-error"]').text()).toBe('Sam Lee already left this conversation')
  })

  it('leaving asks first, then closes the panel and goes back to the list', async () => {
    const { wrapper, store, router } = await render(conversation([PRIYA, SAM]))
    await wrapper.get('[data-testid="participant-leave"]').trigger('click')
    expect(wrapper.text()).toContain('Leave this conversation? It leaves your list; the others continue.')
    await wrapper.get('[data-testid="participant-leave-confirm"]').trigger('click')
    await flushPromises()
    expect(store.leave).toHaveBeenCalledWith('v1')
    expect(wrapper.emitted('close')).toHaveLength(1)
    expect(router.currentRoute.value.path).toBe('/messages')
  })

  it('transfers to anyone but me, with the note, and marks who is already here', async () => {
    const { wrapper, store, router } = await render(conversation([PRIYA, SAM]))
    await wrapper.get('[data-testid="participant-transfer"]').trigger('click')
    const select = wrapper.get('[data-testid="transfer-to"]')
    expect(select.findAll('option:not([disabled])').map((o) => o.text())).toEqual(['Sam Lee (in this conversation)', 'Bo Chen'])
    expect(wrapper.get('[data-testid="transfer-confirm"]').attributes('disabled')).toBeDefined()
    await select.setValue('bo')
    await wrapper.get('[data-testid="transfer-note"]').setValue('She wants Monday at 9')
    await wrapper.get('[data-testid="transfer-confirm"]').trigger('submit')
    await flushPromises()
    expect(store.transfer).toHaveBeenCalledWith('v1', 'bo', 'She wants Monday at 9')
    expect(wrapper.emitted('close')).toHaveLength(1)
    expect(router.currentRoute.value.path).toBe('/messages')
  })

  it('a refused transfer keeps the panel open with the reason', async () => {
    const { wrapper, store } = await render(conversation([PRIYA, SAM]))
    vi.mocked(store.transfer).mockResolvedValueOnce({ ok: false, message: 'Bo Chen is deactivated' })
    await wrapper.get('[data-testid="participant-transfer"]').trigger('click')
    await wrapper.get('[data-testid="transfer-to"]').setValue('bo')
    await wrapper.get('[data-testid="transfer-confirm"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="participants-error"]').text()).toBe('Bo Chen is deactivated')
    expect(wrapper.emitted('close')).toBeUndefined()
  })

  it('an ended conversation offers only a restart, which opens the new thread', async () => {
    const { wrapper, store, router } = await render(conversation([PRIYA, SAM], { state: 'ended', endedAt: 10 }))
    expect(wrapper.text()).toContain('This conversation has ended. It stays here, read-only.')
    expect(wrapper.find('[data-testid="participant-add"]').exists()).toBe(false)
    vi.mocked(store.restart).mockResolvedValueOnce({ ok: true, conversation: conversation([PRIYA], { id: 'v9' }) })
    await wrapper.get('[data-testid="conversation-restart"]').trigger('click')
    await flushPromises()
    expect(store.restart).toHaveBeenCalledWith('v1')
    expect(router.currentRoute.value.path).toBe('/messages/v9')
  })
})
