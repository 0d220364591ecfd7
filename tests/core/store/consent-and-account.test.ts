import { expect, it } from 'vitest'
import { describeStores } from '../../helpers/store-engines'

describeStores('the consent ledger and account pauses', ({ store }) => {
  it('keeps consent events in the ledger, and the newest sms_ event is the SMS state', async () => {
    await store().contacts.insertContact({ id: 'k1', name: 'Ana', phone: '+14155550101', now: 1 })
    expect(await store().smsConsent.latestSmsConsentState('k1')).toBeUndefined()
    await store().ledger.appendConsentEvent({ contactId: 'k1', state: 'sms_opted_out', event: 'sms_stop', at: 2, evidenceMessageId: 'm1' })
    await store().ledger.appendConsentEvent({
      contactId: 'k1',
      state: 'granted',
      event: 'affirmed',
      at: 3,
      byUserId: 'priya',
      detail: { via: 'button' },
    })
    // "smsX" is not an sms_ event: the underscore is literal, not a wildcard.
    await store().ledger.appendConsentEvent({ contactId: 'k1', state: 'other', event: 'smsX', at: 4 })
    expect(await store().smsConsent.latestSmsConsentState('k1')).toBe('sms_opted_out')
    await store().ledger.appendConsentEvent({ contactId: 'k1', state: 'sms_opted_in', event: 'sms_start', at: 5 })
    expect(await store().smsConsent.latestSmsConsentState('k1')).toBe('sms_opted_in')
    expect((await store().ledger.consentHistory('k1')).map((row) => [row.seq, row.event, row.detail])).toEqual([
      [1, 'sms_stop', null],
      [2, 'affirmed', '{"via":"button"}'],
      [3, 'smsX', null],
      [4, 'sms_start', null],
    ])
    expect(await store().ledger.verifyLedger('consents')).toEqual({ ok: true, rows: 4 })
  })

  it('records a pause of the number, keeping when it began, until it is cleared', async () => {
    expect(await store().accountHealth.getAccountPause('pn1')).toBeUndefined()
    await store().accountHealth.saveAccountPause({ phoneNumberId: 'pn1', code: 131031, reason: 'locked', since: 10 })
    await store().accountHealth.saveAccountPause({ phoneNumberId: 'pn1', reason: 'still locked', since: 20 })
    expect(await store().accountHealth.getAccountPause('pn1')).toEqual({
      phone_number_id: 'pn1',
      code: null,
      reason: 'still locked',
      since: 10,
    })
    expect(await store().accountHealth.clearAccountPause('pn1')).toBe(true)
    expect(await store().accountHealth.clearAccountPause('pn1')).toBe(false)
    expect(await store().accountHealth.whatsAppRowsToHold()).toEqual([])
    expect(await store().accountHealth.rowsHeldForAccount()).toEqual([])
  })
})
