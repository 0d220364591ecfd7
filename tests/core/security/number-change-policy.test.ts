import { afterEach, describe, expect, it } from 'vitest'
import { upsertAccount } from '../../../electron/core/db/repositories/accounts'
import { parseOrgPolicy } from '../../../electron/core/org/org-policy'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import { ANA, BEN, CHLOE, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

/** The org policy's rule for who may change a contact's number (issue 16, item 1). */
let h: EngineHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const adminsOnly = () => parseOrgPolicy({ ...demoOrgPolicy(), contacts: { numberChanges: 'admins' } })

describe('@security org policy: who may change a contact number', () => {
  it('defaults to participants and administrators, and names a bad value in the file', () => {
    expect(demoOrgPolicy().contacts.numberChanges).toBe('participants')
    expect(() => parseOrgPolicy({ ...demoOrgPolicy(), contacts: { numberChanges: 'anyone' } })).toThrow(/contacts\.numberChanges/)
  })

  it('"admins": even a participant of the thread is refused; an administrator changes it and the thread ends', async () => {
    h = await startEngineHarness({ org: adminsOnly() })
    upsertAccount(h.engine.db, { userId: 'alex', name: 'Alex Morgan', role: 'admin', now: h.clock.now() })
    upsertAccount(h.engine.db, { userId: 'priya', name: 'Priya Shah', role: 'member', now: h.clock.now() })
    const chat = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
    await h.settle()

    const refused = await h.raw('priya', 'contacts:update', { id: chat.contact.id, name: 'Ana Souza', phone: BEN })
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/only administrators/) } })
    // Removing the number is a change of who the contact is too.
    expect(await h.raw('priya', 'contacts:update', { id: chat.contact.id, name: 'Ana Souza' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    expect((await h.as('priya')('contacts:get', { id: chat.contact.id })).phone).toBe(ANA)
    // Names stay everyone's to fix.
    await h.as('priya')('contacts:update', { id: chat.contact.id, name: 'Ana C. Souza', phone: ANA })

    await h.as('alex')('contacts:update', { id: chat.contact.id, name: 'Ana C. Souza', phone: BEN })
    expect((await h.as('priya')('conversations:get', { id: chat.conversation.id })).state).toBe('ended')
  })

  it('"admins" still lets anyone give a number to a contact that had none', async () => {
    h = await startEngineHarness({ org: adminsOnly() })
    upsertAccount(h.engine.db, { userId: 'alex', name: 'Alex Morgan', role: 'admin', now: h.clock.now() })
    upsertAccount(h.engine.db, { userId: 'sam', name: 'Sam Lee', role: 'member', now: h.clock.now() })
    const contact = await h.as('sam')('contacts:create', { name: 'Chloe Martin' })
    const updated = await h.as('sam')('contacts:update', { id: contact.id, name: 'Chloe Martin', phone: CHLOE })
    expect(updated.phone).toBe(CHLOE)
  })
})
