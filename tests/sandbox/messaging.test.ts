import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ANA, BEN, DAN, PHONE_ID, optInBody, phonePath, startHarness, textBody, type Harness } from './harness'
import { messagesOf, statusesOf, valueOf } from './webhook-receiver'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

const send = (body: unknown) => h.graph('POST', `/${PHONE_ID}/messages`, body)
const statusHooks = (wamid: string, status: string) => (hook: any) => statusesOf(hook).some((s) => s.id === wamid && s.status === status)

describe('sending messages', () => {
  it('accepts a text inside the window and reports sent then delivered, signed, with the callback data', async () => {
    await h.control('POST', `${phonePath(ANA)}/messages`, { text: 'Hi there' })
    const inbound = await h.hooks.waitFor((hook) => messagesOf(hook).length > 0)
    expect(messagesOf(inbound[0])[0]).toMatchObject({ from: '14155550101', type: 'text', text: { body: 'Hi there' } })
    expect(valueOf(inbound[0]).contacts[0]).toMatchObject({ wa_id: '14155550101', profile: { name: 'Ana Souza' } })
    expect(valueOf(inbound[0]).contacts[0].user_id).toMatch(/^US\.\d{13}$/)

    const response = await send(textBody(ANA, 'Your crown is ready', { biz_opaque_callback_data: 'msg-42' }))
    expect(response.status).toBe(200)
    expect(response.body.contacts).toEqual([{ input: ANA, wa_id: '14155550101', user_id: expect.stringMatching(/^US\./) }])
    const wamid = response.body.messages[0].id
    expect(wamid).toMatch(/^wamid\./)

    await h.hooks.waitFor(statusHooks(wamid, 'delivered'))
    const statuses = h.hooks.received.flatMap(statusesOf).filter((s) => s.id === wamid)
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered'])
    for (const status of statuses) {
      expect(status).toMatchObject({ recipient_id: '14155550101', biz_opaque_callback_data: 'msg-42' })
      expect(status.recipient_user_id).toMatch(/^US\.\d{13}$/)
      expect(status.timestamp).toBe(String(Math.floor(h.clock.now() / 1000)))
      expect(status.pricing).toMatchObject({ pricing_model: 'PMP', type: 'free_customer_service' })
    }
    expect(h.hooks.received.every((hook) => hook.signatureValid)).toBe(true)
    const sentHook = h.hooks.received.find(statusHooks(wamid, 'sent'))!
    expect(sentHook.body).toMatchObject({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages' }] }] })
    expect(valueOf(sentHook).metadata).toEqual({ display_phone_number: '15550783881', phone_number_id: PHONE_ID })

    const log = (await h.control('GET', `/deliveries?phone=${encodeURIComponent(ANA)}`)).body
    expect(log).toEqual([
      expect.objectContaining({ phone: ANA, wamid, type: 'text', text: 'Your crown is ready', bizOpaqueCallbackData: 'msg-42' }),
    ])
  })

  it('refuses free-form text outside the 24 h window with 131047 and accepts it once the user writes', async () => {
    const refused = await send(textBody(BEN, 'Hello?'))
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatchObject({
      message: '(#131047) Re-engagement message',
      type: 'OAuthException',
      code: 131047,
      error_data: { messaging_product: 'whatsapp' },
    })
    expect(refused.body.error.fbtrace_id).toEqual(expect.any(String))

    await h.control('POST', `${phonePath(BEN)}/messages`, { text: 'Hey' })
    expect((await send(textBody(BEN, 'Hello!'))).status).toBe(200)

    h.clock.advance(25 * 3600 * 1000)
    expect((await send(textBody(BEN, 'Still there?'))).body.error.code).toBe(131047)
    expect(h.sandbox.deliveries(BEN).map((d) => d.text)).toEqual(['Hello!'])
  })

  it('sends the opt-in template at any time, rendered with the business name', async () => {
    h.clock.advance(72 * 3600 * 1000)
    const response = await send(optInBody(BEN))
    expect(response.status).toBe(200)
    const [delivery] = h.sandbox.deliveries(BEN)
    expect(delivery).toMatchObject({
      type: 'template',
      text: 'Hello! Acme Dental would like to send you messages on WhatsApp. Reply or tap a button.',
      template: { name: 'greenline_opt_in', language: 'en_US', params: ['Acme Dental'] },
    })
    expect(delivery.buttons).toEqual([
      { index: 0, text: 'Yes', payload: 'CONSENT_YES' },
      { index: 1, text: 'No', payload: 'CONSENT_NO' },
    ])
  })

  it('rejects unknown templates, wrong parameter counts and malformed requests with Meta codes', async () => {
    const wrongLanguage = optInBody(ANA) as any
    wrongLanguage.template.language.code = 'de'
    const notFound = await send(wrongLanguage)
    expect([notFound.status, notFound.body.error.code]).toEqual([404, 132001])

    const noParams = optInBody(ANA) as any
    noParams.template.components = []
    expect((await send(noParams)).body.error.code).toBe(132000)

    expect((await send({ ...textBody(ANA, 'x'), messaging_product: undefined })).body.error.code).toBe(131008)
    expect((await send({ ...textBody(ANA, 'x'), to: undefined })).body.error.code).toBe(131008)
    expect((await send(textBody(ANA, 'x'.repeat(4097)))).body.error.code).toBe(100)
    expect(h.sandbox.deliveries()).toEqual([])
  })

  it('delivers a tap on the template button as a button message in reply to the template', async () => {
    const refused = await h.control('POST', `${phonePath(ANA)}/messages`, { buttonPayload: 'CONSENT_YES' })
    expect(refused.status).toBe(409)

    const wamid = (await send(optInBody(ANA))).body.messages[0].id
    const tapped = await h.control('POST', `${phonePath(ANA)}/messages`, { buttonPayload: 'CONSENT_YES' })
    expect(tapped.status).toBe(201)
    const [hook] = await h.hooks.waitFor((x) => messagesOf(x).some((m) => m.type === 'button'))
    expect(messagesOf(hook)[0]).toMatchObject({
      type: 'button',
      button: { payload: 'CONSENT_YES', text: 'Yes' },
      context: { from: '15550783881', id: wamid },
    })
    // The tap is an inbound message, so it opens the window for free-form replies.
    expect((await send(textBody(ANA, 'Thanks!'))).status).toBe(200)
  })

  it('accepts a send to a user not on WhatsApp, then reports it failed with 131026 and delivers nothing', async () => {
    const response = await send(textBody(DAN, 'Hello', { biz_opaque_callback_data: 'm-dan' }))
    expect(response.status).toBe(200)
    const wamid = response.body.messages[0].id
    const [hook] = await h.hooks.waitFor(statusHooks(wamid, 'failed'))
    const [status] = statusesOf(hook)
    expect(status).toMatchObject({ recipient_id: '14155550199', biz_opaque_callback_data: 'm-dan' })
    expect(status.errors[0]).toMatchObject({ code: 131026, title: 'Receiver is incapable of receiving this message' })
    expect(status.recipient_user_id).toBeUndefined()
    expect(valueOf(hook).contacts).toBeUndefined()

    const unknown = await send(optInBody('+14155550777'))
    await h.hooks.waitFor(statusHooks(unknown.body.messages[0].id, 'failed'))
    await h.sandbox.idle()
    expect(h.sandbox.deliveries()).toEqual([])
    expect(h.hooks.received.flatMap(statusesOf).some((s) => s.status === 'delivered')).toBe(false)
  })

  it('reports 131047 as a failed status webhook when configured to', async () => {
    await h.close()
    h = await startHarness({ windowErrorMode: 'webhook' })
    const response = await send(textBody(BEN, 'Hi'))
    expect(response.status).toBe(200)
    const [hook] = await h.hooks.waitFor(statusHooks(response.body.messages[0].id, 'failed'))
    expect(statusesOf(hook)[0].errors[0].code).toBe(131047)
    expect(h.sandbox.deliveries()).toEqual([])
  })

  it('sends read statuses when the user reads, once per message', async () => {
    await h.control('POST', `${phonePath(ANA)}/messages`, { text: 'Hi' })
    const wamid = (await send(textBody(ANA, 'Welcome', { biz_opaque_callback_data: 'r1' }))).body.messages[0].id
    expect((await h.control('POST', `${phonePath(ANA)}/read`, {})).body).toEqual({ read: 1 })
    const [hook] = await h.hooks.waitFor(statusHooks(wamid, 'read'))
    expect(statusesOf(hook)[0]).toMatchObject({ biz_opaque_callback_data: 'r1', recipient_id: '14155550101' })
    expect((await h.control('POST', `${phonePath(ANA)}/read`, {})).body).toEqual({ read: 0 })
  })

  it('records the business marking a message read, and shows it in the chat', async () => {
    const entry = h.sandbox.userWrites(ANA, { text: 'Are you open today?' })
    const response = await send({ messaging_product: 'whatsapp', status: 'read', message_id: entry.id })
    expect(response.body).toEqual({ success: true })
    const chat = (await h.control('GET', `${phonePath(ANA)}/chat`)).body
    expect(chat.messages[0]).toMatchObject({ id: entry.id, direction: 'in', readByBusiness: true })
  })

  it('sends reactions with only a sent status, and passes the user reaction in', async () => {
    const inbound = h.sandbox.userWrites(ANA, { text: 'I booked it' })
    const response = await send({
      messaging_product: 'whatsapp',
      to: ANA,
      type: 'reaction',
      reaction: { message_id: inbound.id, emoji: '👍' },
    })
    const wamid = response.body.messages[0].id
    await h.hooks.waitFor(statusHooks(wamid, 'sent'))
    await h.sandbox.idle()
    expect(
      h.hooks.received
        .flatMap(statusesOf)
        .filter((s) => s.id === wamid)
        .map((s) => s.status),
    ).toEqual(['sent'])

    const text = (await send(textBody(ANA, 'Great'))).body.messages[0].id
    await h.control('POST', `${phonePath(ANA)}/messages`, { reaction: { messageId: text, emoji: '❤️' } })
    const [hook] = await h.hooks.waitFor((x) => messagesOf(x).some((m) => m.type === 'reaction'))
    expect(messagesOf(hook)[0].reaction).toEqual({ message_id: text, emoji: '❤️' })
  })

  it('sends to a business-scoped user id given as recipient', async () => {
    const ana = h.sandbox.users().find((u) => u.phone === ANA)!
    const response = await send({ ...optInBody(ANA), to: undefined, recipient: ana.userId })
    expect(response.status).toBe(200)
    expect(response.body.contacts[0]).toMatchObject({ input: ana.userId, wa_id: '14155550101' })
    expect(h.sandbox.deliveries(ANA)).toHaveLength(1)
  })

  it('answers 401 with code 190 without the bearer token', async () => {
    const response = await h.graph('POST', `/${PHONE_ID}/messages`, textBody(ANA, 'x'), null)
    expect(response.status).toBe(401)
    expect(response.body.error).toMatchObject({ code: 190, type: 'OAuthException', message: '(#190) Invalid OAuth access token' })
    expect((await h.graph('POST', `/${PHONE_ID}/messages`, textBody(ANA, 'x'), 'wrong')).status).toBe(401)
  })

  it('enforces the pair rate limit and the throughput limit when configured', async () => {
    await h.close()
    h = await startHarness({ limits: { pairBurst: 2, pairRefillMs: 6000 } })
    h.sandbox.userWrites(ANA, { text: 'hi' })
    expect((await send(textBody(ANA, '1'))).status).toBe(200)
    expect((await send(textBody(ANA, '2'))).status).toBe(200)
    expect((await send(textBody(ANA, '3'))).body.error.code).toBe(131056)
    h.clock.advance(6000)
    expect((await send(textBody(ANA, '3 again'))).status).toBe(200)

    await h.close()
    h = await startHarness({ limits: { messagesPerSecond: 1 } })
    expect((await send(optInBody(ANA))).status).toBe(200)
    expect((await send(optInBody(BEN))).body.error.code).toBe(130429)
    h.clock.advance(1000)
    expect((await send(optInBody(BEN))).status).toBe(200)
  })
})
