import { expect, it } from 'vitest'
import { describeStores } from '../../helpers/store-engines'

describeStores('contacts and WhatsApp users', ({ store }) => {
  const seed = async () => {
    await store().contacts.insertContact({ id: 'k1', name: 'Ana Souza', phone: '+14155550101', company: 'Café Ñandú', now: 1 })
    await store().contacts.insertContact({ id: 'k2', name: 'bruno lima', phone: '+14155550102', waId: '14155550102', now: 2 })
    await store().contacts.insertContact({ id: 'k3', name: 'Zoë Ulm', email: 'zoe@example.com', userId: 'US.123', now: 3 })
  }

  it('creates, reads back and lists contacts by name ignoring case', async () => {
    await seed()
    expect(await store().contacts.getContact('k1')).toEqual({
      id: 'k1',
      name: 'Ana Souza',
      phone: '+14155550101',
      company: 'Café Ñandú',
      createdAt: 1,
      updatedAt: 1,
    })
    expect((await store().contacts.searchContacts(undefined)).map((c) => c.id)).toEqual(['k1', 'k2', 'k3'])
    expect((await store().contacts.searchContacts('', 2)).map((c) => c.id)).toEqual(['k1', 'k2'])
  })

  it('searches a name prefix below three characters, a substring without accents from three, and numbers by their digits', async () => {
    await seed()
    const ids = async (q: string) => (await store().contacts.searchContacts(q)).map((c) => c.id)
    expect(await ids('br')).toEqual(['k2'])
    expect(await ids('Bu')).toEqual([])
    expect(await ids('nandu')).toEqual(['k1'])
    expect(await ids('ZOE')).toEqual(['k3'])
    expect(await ids('lima')).toEqual(['k2'])
    expect(await ids('(415) 555-0102')).toEqual(['k2'])
    expect(await ids('5550')).toEqual(['k1', 'k2'])
    expect(await ids('100%')).toEqual([])
  })

  it('drops the learned WhatsApp identity when the number changes, and keeps it otherwise', async () => {
    await seed()
    await store().contacts.updateContactIdentity('k1', { waId: '14155550101', userId: 'US.9', notOnWhatsApp: true, now: 5 })
    expect(await store().contacts.getContact('k1')).toMatchObject({ waId: '14155550101', userId: 'US.9', notOnWhatsApp: true })
    const same = await store().contacts.updateContact('k1', { name: 'Ana S.', phone: '+14155550101', now: 6 })
    expect(same).toMatchObject({ name: 'Ana S.', waId: '14155550101', userId: 'US.9', notOnWhatsApp: true, updatedAt: 6 })
    expect(same?.company).toBeUndefined()
    const moved = await store().contacts.updateContact('k1', { name: 'Ana S.', phone: '+14155550199', now: 7 })
    expect(moved).toEqual({ id: 'k1', name: 'Ana S.', phone: '+14155550199', createdAt: 1, updatedAt: 7 })
    expect(await store().contacts.updateContact('nobody', { name: 'x', now: 8 })).toBeUndefined()
  })

  it('finds a WhatsApp sender by user id first, then wa_id, then number', async () => {
    await seed()
    expect((await store().contacts.findContactByWhatsApp({ userId: 'US.123', waId: '14155550102' }))?.id).toBe('k3')
    expect((await store().contacts.findContactByWhatsApp({ waId: '14155550102' }))?.id).toBe('k2')
    expect((await store().contacts.findContactByWhatsApp({ waId: '14155550101' }))?.id).toBe('k1')
    expect(await store().contacts.findContactByWhatsApp({ waId: '19999999999' })).toBeUndefined()
    expect((await store().contacts.findContactByPhone('+14155550102'))?.id).toBe('k2')
  })

  it('soft-deletes: gone from lookups and search, its name kept for history', async () => {
    await seed()
    expect(await store().contacts.deleteContact('k2', 9)).toBe(true)
    expect(await store().contacts.deleteContact('k2', 10)).toBe(false)
    expect(await store().contacts.getContact('k2')).toBeUndefined()
    expect(await store().contacts.findContactByPhone('+14155550102')).toBeUndefined()
    expect((await store().contacts.searchContacts('lima')).map((c) => c.id)).toEqual([])
    expect(await store().contacts.getContactName('k2')).toBe('bruno lima')
  })

  it('keeps consent, the 24-hour window (never moving back) and the marketing opt-out per WhatsApp user', async () => {
    await seed()
    expect(await store().whatsappUsers.getWhatsAppUser('k1')).toEqual({
      contact_id: 'k1',
      consent: 'none',
      consent_updated_at: null,
      last_requested_at: null,
      last_inbound_at: null,
      marketing_opt_out: 0,
    })
    await store().whatsappUsers.saveConsent('k1', { state: 'requested', updatedAt: 10, lastRequestedAt: 10 })
    await store().whatsappUsers.saveConsent('k1', { state: 'granted', updatedAt: 20 })
    await store().whatsappUsers.recordInbound('k1', 30)
    await store().whatsappUsers.recordInbound('k1', 25)
    await store().whatsappUsers.setMarketingOptOut('k1', true)
    expect(await store().whatsappUsers.getWhatsAppUser('k1')).toEqual({
      contact_id: 'k1',
      consent: 'granted',
      consent_updated_at: 20,
      last_requested_at: 10,
      last_inbound_at: 30,
      marketing_opt_out: 1,
    })
    await store().whatsappUsers.resetWhatsAppUser('k1', 40)
    expect(await store().whatsappUsers.getWhatsAppUser('k1')).toMatchObject({
      consent: 'none',
      consent_updated_at: 40,
      last_inbound_at: null,
      marketing_opt_out: 0,
    })
  })
})
