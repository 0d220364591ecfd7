import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ANA, PHONE_ID, optInBody, phonePath, startHarness, textBody, type Harness } from './harness'
import { messagesOf, statusesOf, valueOf } from './webhook-receiver'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

const send = (body: unknown) => h.graph('POST', `/${PHONE_ID}/messages`, body)

/** Ana wrote: her window is open. */
async function anaWrites() {
  await h.control('POST', `${phonePath(ANA)}/messages`, { text: 'Hi' })
  await h.hooks.waitFor((hook) => messagesOf(hook).length > 0)
}

describe('@operations the sandbox reads requests as Meta does', () => {
  it('reads a number sent without + as international, not as a national one', async () => {
    await anaWrites()
    const response = await send(textBody('14155550101', 'no plus'))
    expect(response.status).toBe(200)
    expect(response.body.contacts[0]).toMatchObject({ input: '14155550101', wa_id: '14155550101' })
    const chat = (await h.control('GET', `${phonePath(ANA)}/chat`)).body.messages as Array<{ text?: string }>
    expect(chat.at(-1)?.text).toBe('no plus')
  })

  it('accepts a picture by link as well as by id, and refuses both at once', async () => {
    await anaWrites()
    const byLink = await send({
      messaging_product: 'whatsapp',
      to: ANA,
      type: 'image',
      image: { link: 'https://example.com/crown.jpg', caption: 'Your crown' },
    })
    expect(byLink.status).toBe(200)
    const chat = (await h.control('GET', `${phonePath(ANA)}/chat`)).body.messages as Array<{ link?: string; caption?: string }>
    expect(chat.at(-1)).toMatchObject({ link: 'https://example.com/crown.jpg', caption: 'Your crown' })
    const both = await send({
      messaging_product: 'whatsapp',
      to: ANA,
      type: 'image',
      image: { id: '123', link: 'https://example.com/a.jpg' },
    })
    expect([both.status, both.body.error.code]).toEqual([400, 100])
  })

  it('refuses `to` and `recipient` together', async () => {
    const users = (await h.control('GET', '/users')).body as Array<{ phone: string; userId: string }>
    const ana = users.find((u) => u.phone === ANA)!
    const response = await send({ ...optInBody(ANA), recipient: ana.userId })
    expect([response.status, response.body.error.code]).toEqual([400, 100])
  })

  it('answers with a WhatsApp id that differs from the number sent (Brazil), and reaches the person by either', async () => {
    const added = await h.control('POST', '/users', { phone: '+5511987654321', name: 'Bruna Lima', waId: '551187654321' })
    expect(added.status).toBe(201)
    const response = await send(optInBody('+5511987654321'))
    expect(response.status).toBe(200)
    expect(response.body.contacts[0]).toMatchObject({ input: '+5511987654321', wa_id: '551187654321' })
    const again = await send(optInBody('+551187654321'))
    expect(again.body.contacts[0].wa_id).toBe('551187654321')
    await h.control('POST', `${phonePath('+5511987654321')}/messages`, { text: 'Oi' })
    const [inbound] = await h.hooks.waitFor((hook) => messagesOf(hook).length > 0)
    expect(messagesOf(inbound)[0].from).toBe('551187654321')
  })

  it('a username-only user shows only their user id and username, never a number', async () => {
    await h.control('POST', '/users', { phone: '+14155550150', name: 'Kai', username: 'kai.design' })
    await h.control('POST', `${phonePath('+14155550150')}/messages`, { text: 'hello from kai' })
    const [inbound] = await h.hooks.waitFor((hook) => messagesOf(hook).length > 0)
    const message = messagesOf(inbound)[0]
    expect(message.from).toBeUndefined()
    expect(message.from_user_id).toMatch(/^US\.\d{13}$/)
    expect(valueOf(inbound).contacts[0]).toEqual({ profile: { name: 'Kai', username: 'kai.design' }, user_id: message.from_user_id })

    const response = await send({ messaging_product: 'whatsapp', recipient: message.from_user_id, type: 'text', text: { body: 'Hi Kai' } })
    expect(response.status).toBe(200)
    expect(response.body.contacts[0]).toEqual({ input: message.from_user_id, user_id: message.from_user_id })
    const wamid = response.body.messages[0].id
    const [status] = await h.hooks.waitFor((hook) => statusesOf(hook).some((s) => s.id === wamid))
    const reported = statusesOf(status).find((s) => s.id === wamid)!
    expect(reported.recipient_id).toBeUndefined()
    expect(reported.recipient_user_id).toBe(message.from_user_id)
  })
})
