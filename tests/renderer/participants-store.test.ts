// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Conversation, Participant } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { useParticipantsStore } = await import('../../src/stores/participants')
const { useConversationsStore } = await import('../../src/stores/conversations')

const person = (userId: string, name: string): Participant => ({ userId, name, joinedAt: 1 })
const conversation = (participants: Participant[]): Conversation => ({
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
})
const refused = (message: string) => () => {
  throw new ApiRequestError({ code: 'conflict', message })
}

describe('useParticipantsStore', () => {
  beforeEach(() => {
    testingPinia({ stubActions: false })
    api.reset()
  })

  it('loads the colleagues once, however many panels ask', async () => {
    api.answer({ 'org:users': [{ id: 'sam', name: 'Sam Lee' }] })
    const store = useParticipantsStore()
    await Promise.all([store.loadColleagues(), store.loadColleagues()])
    await store.loadColleagues()
    expect(store.colleagues.map((u) => u.name)).toEqual(['Sam Lee'])
    expect(api.call).toHaveBeenCalledTimes(1)
  })

  it('says when the colleagues could not load, and tries again next time', async () => {
    api.answer({ 'org:users': refused('The organization file is being reloaded') })
    const store = useParticipantsStore()
    await store.loadColleagues()
    expect(store.colleaguesError).toBe('The organization file is being reloaded')
    api.answer({ 'org:users': [{ id: 'sam', name: 'Sam Lee' }] })
    await store.loadColleagues()
    expect(store.colleagues).toHaveLength(1)
    expect(store.colleaguesError).toBeUndefined()
  })

  it('adding a colleague shows them in the conversation at once', async () => {
    api.answer({ 'conversations:addParticipant': conversation([person('priya', 'Priya Shah'), person('sam', 'Sam Lee')]) })
    const outcome = await useParticipantsStore().add('v1', 'sam')
    expect(outcome).toMatchObject({ ok: true, conversation: { id: 'v1' } })
    expect(api.call).toHaveBeenCalledWith('conversations:addParticipant', { id: 'v1', userId: 'sam' })
    expect(useConversationsStore().byId.v1?.participants.map((p) => p.name)).toEqual(['Priya Shah', 'Sam Lee'])
  })

  it('removing someone updates the conversation; the loser of a race is told why', async () => {
    api.answer({ 'conversations:removeParticipant': conversation([person('priya', 'Priya Shah')]) })
    const store = useParticipantsStore()
    expect(await store.remove('v1', 'sam')).toMatchObject({ ok: true })
    expect(useConversationsStore().byId.v1?.participants).toHaveLength(1)

    api.answer({ 'conversations:removeParticipant': refused('Sam Lee already left this conversation') })
    expect(await store.remove('v1', 'sam')).toEqual({ ok: false, message: 'Sam Lee already left this conversation' })
  })

  it('leaving asks the engine and leaves the list to its removed event', async () => {
    api.answer({ 'conversations:leave': undefined })
    expect(await useParticipantsStore().leave('v1')).toEqual({ ok: true })
    expect(api.call).toHaveBeenCalledWith('conversations:leave', { id: 'v1' })
  })

  it('transfers with the note trimmed, and without a note when it is blank', async () => {
    api.answer({ 'conversations:transfer': undefined })
    const store = useParticipantsStore()
    await store.transfer('v1', 'sam', '  She wants a call back  ')
    expect(api.call).toHaveBeenLastCalledWith('conversations:transfer', { id: 'v1', toUserId: 'sam', note: 'She wants a call back' })
    await store.transfer('v1', 'sam', '   ')
    expect(api.call).toHaveBeenLastCalledWith('conversations:transfer', { id: 'v1', toUserId: 'sam' })
  })

  it('restarting an ended thread returns the new one to open', async () => {
    api.answer({ 'conversations:restart': { ...conversation([person('priya', 'Priya Shah')]), id: 'v2' } })
    const outcome = await useParticipantsStore().restart('v1')
    expect(outcome).toMatchObject({ ok: true, conversation: { id: 'v2' } })
    expect(useConversationsStore().visible.map((c) => c.id)).toEqual(['v2'])
  })
})
