import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WhatsAppAPI } from 'whatsapp-api-js'
import { BodyComponent, BodyParameter, Template, Text } from 'whatsapp-api-js/messages'
import { PHONE_ID, SECRET, TOKEN, phonePath, startHarness, type Harness } from './harness'

/**
 * A real integrator's setup: a Cloud API client from the registry (whatsapp-api-js), pointed at
 * the sandbox instead of graph.facebook.com, verifying the sandbox's signed webhooks itself.
 */
const CHLOE = '+14155550103'

interface Seen {
  messages: Array<{ from: string; name?: string; text?: string; id: string }>
  statuses: Array<{ id: string; status: string; phone: string; biz?: string }>
  refused: number
}

let h: Harness
let client: WhatsAppAPI
let server: http.Server
let seen: Seen

beforeEach(async () => {
  h = await startHarness()
  const graph = 'https://graph.facebook.com'
  client = new WhatsAppAPI({
    token: TOKEN,
    appSecret: SECRET,
    v: 'v24.0',
    // The only change an integrator makes to try the sandbox: where requests go.
    ponyfill: {
      fetch: (url: string | URL | Request, init?: RequestInit) =>
        fetch((url instanceof Request ? url.url : url.toString()).replace(graph, h.sandbox.url), init),
    },
  })
  seen = { messages: [], statuses: [], refused: 0 }
  client.on.message = ({ from, name, message }) => {
    const text = message.type === 'text' ? message.text.body : undefined
    seen.messages.push({ from, name, text, id: message.id })
  }
  client.on.status = ({ id, status, phone, biz_opaque_callback_data }) => {
    seen.statuses.push({ id, status, phone, biz: biz_opaque_callback_data })
  }
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      client.post(JSON.parse(raw), raw, String(req.headers['x-hub-signature-256'] ?? '')).then(
        () => res.writeHead(200).end(),
        () => {
          seen.refused++
          res.writeHead(401).end()
        },
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  h.sandbox.setWebhookUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`)
})
afterEach(async () => {
  await h.close()
  await new Promise((resolve) => server.close(resolve))
})

describe('@operations a third-party Cloud API client drives the sandbox', () => {
  it('its requests are accepted and its signature check accepts the sandbox’s webhooks, accents and emoji included', async () => {
    await h.control('POST', `${phonePath(CHLOE)}/messages`, { text: 'Bonjour, ça va ? 😀' })
    await h.sandbox.flushed()
    expect(seen.refused).toBe(0)
    expect(seen.messages).toEqual([{ from: '14155550103', name: 'Chloé Martin', text: 'Bonjour, ça va ? 😀', id: expect.any(String) }])

    // Numbers as this client sends them: digits without `+`.
    const template = new Template('greenline_opt_in', 'en_US', new BodyComponent(new BodyParameter('Acme Dental')))
    const sent = (await client.sendMessage(PHONE_ID, '14155550103', template, undefined, 'ours-1')) as {
      contacts: Array<{ wa_id: string }>
      messages: Array<{ id: string }>
    }
    expect(sent.contacts[0].wa_id).toBe('14155550103')
    const reply = (await client.sendMessage(PHONE_ID, '14155550103', new Text('Merci Chloé !'), seen.messages[0].id)) as {
      messages: Array<{ id: string }>
    }
    await h.sandbox.idle()

    const chat = (await h.control('GET', `${phonePath(CHLOE)}/chat`)).body.messages as Array<{
      id: string
      text?: string
      contextId?: string
    }>
    expect(chat.find((e) => e.id === sent.messages[0].id)?.text).toBe(
      'Hello! Acme Dental would like to send you messages on WhatsApp. Reply or tap a button.',
    )
    expect(chat.find((e) => e.id === reply.messages[0].id)).toMatchObject({ text: 'Merci Chloé !', contextId: seen.messages[0].id })
    expect(seen.refused).toBe(0)
    expect(seen.statuses.filter((s) => s.id === sent.messages[0].id)).toEqual([
      { id: sent.messages[0].id, status: 'sent', phone: '14155550103', biz: 'ours-1' },
      { id: sent.messages[0].id, status: 'delivered', phone: '14155550103', biz: 'ours-1' },
    ])
    expect(await client.markAsRead(PHONE_ID, seen.messages[0].id)).toEqual({ success: true })
  })
})
