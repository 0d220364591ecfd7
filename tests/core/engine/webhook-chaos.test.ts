import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { insertMessage } from '../../../electron/core/db/repositories/messages'
import { signWebhookBody } from '../../../electron/core/whatsapp/signature'
import {
  APP_SECRET,
  inboundTextWebhook,
  seededRandom,
  startEngineHarness,
  statusWebhook,
  type EngineHarness,
} from '../../helpers/engine-harness'

const harnesses: EngineHarness[] = []
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close()
})

const USERS = Array.from({ length: 5 }, (_, i) => ({ waId: `1415555012${i}`, name: `Chaos User ${i}` }))
const INBOUND_PER_USER = 131
const OUTBOUND_PER_USER = 24
const START = Date.UTC(2026, 10, 25, 9, 0, 0)

/** 1,000 deliveries: inbound texts from five users and sent/delivered/read (or failed) statuses of messages we sent them. */
function deliveries(): string[] {
  const list: string[] = []
  USERS.forEach((user, u) => {
    for (let i = 0; i < INBOUND_PER_USER; i++) {
      list.push(
        inboundTextWebhook({
          waId: user.waId,
          name: user.name,
          id: `wamid.in.${u}.${i}`,
          text: `Message ${i} from ${user.name}`,
          at: START + i * 1000,
        }),
      )
    }
    for (let i = 0; i < OUTBOUND_PER_USER; i++) {
      const id = `wamid.out.${u}.${i}`
      const fails = i % 8 === 7
      for (const status of fails ? (['sent', 'failed'] as const) : (['sent', 'delivered', 'read'] as const)) {
        list.push(
          statusWebhook({
            id,
            status,
            recipient: user.waId,
            at: START + i * 1000,
            bizOpaque: `m_out_${u}_${i}`,
            ...(status === 'failed' ? { errorCode: 131049 } : {}),
          }),
        )
      }
    }
  })
  return list
}

async function engineWithOutbound(): Promise<EngineHarness> {
  const h = await startEngineHarness()
  harnesses.push(h)
  for (const [u, user] of USERS.entries()) {
    const { conversation } = await h.openChat(`+${user.waId}`, user.name)
    for (let i = 0; i < OUTBOUND_PER_USER; i++) {
      insertMessage(h.engine.db, {
        id: `m_out_${u}_${i}`,
        conversationId: conversation.id,
        direction: 'out',
        authorId: 'priya',
        kind: 'text',
        body: `Reply ${i}`,
        status: 'sending',
        createdAt: START,
      })
    }
  }
  return h
}

/** Posts signed deliveries to the real endpoint, `concurrency` at a time; resends any not answered 200. */
async function post(h: EngineHarness, bodies: string[], concurrency: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
  const url = new URL(h.webhookUrl)
  const one = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const request = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, APP_SECRET) },
        },
        (response) => {
          response.resume()
          response.on('end', () => resolve(response.statusCode ?? 0))
        },
      )
      request.on('error', reject)
      request.end(body)
    })
  let next = 0
  let posts = 0
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]
      posts++
      expect(await one(body)).toBe(200)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  agent.destroy()
  return posts
}

/** The database as a user sees it: messages by provider id, contacts, consent and windows. */
function dump(h: EngineHarness) {
  const db = h.engine.db
  return {
    messages: db
      .prepare(
        `SELECT m.provider_id, m.direction, m.kind, m.body, m.status, m.error_code, c.phone FROM messages m
         JOIN conversations v ON v.id = m.conversation_id JOIN contacts c ON c.id = v.contact_id
         WHERE m.provider_id IS NOT NULL ORDER BY m.provider_id`,
      )
      .all(),
    contacts: db.prepare('SELECT name, phone, wa_id FROM contacts ORDER BY phone').all(),
    conversations: db
      .prepare(
        `SELECT c.phone, count(*) AS n FROM conversations v JOIN contacts c ON c.id = v.contact_id GROUP BY c.phone ORDER BY c.phone`,
      )
      .all(),
    consent: db
      .prepare('SELECT c.phone, w.consent, w.last_inbound_at FROM whatsapp_users w JOIN contacts c ON c.id = w.contact_id ORDER BY c.phone')
      .all(),
    unread: db
      .prepare(
        'SELECT c.phone, sum(p.unread) AS unread FROM participants p JOIN conversations v ON v.id = p.conversation_id JOIN contacts c ON c.id = v.contact_id GROUP BY c.phone ORDER BY c.phone',
      )
      .all(),
  }
}

describe('webhook chaos', () => {
  it('1,000 deliveries with duplicates and shuffled order end in the same database state as the clean run', async () => {
    const clean = deliveries()
    expect(clean).toHaveLength(1000)

    const reference = await engineWithOutbound()
    await post(reference, clean, 1)
    await reference.settle()
    const expected = dump(reference)
    // The clean run did what the deliveries say.
    expect(expected.messages.filter((m: any) => m.direction === 'in')).toHaveLength(USERS.length * INBOUND_PER_USER)
    expect(expected.messages.filter((m: any) => m.status === 'read')).toHaveLength(USERS.length * 21)
    expect(expected.messages.filter((m: any) => m.status === 'failed')).toHaveLength(USERS.length * 3)

    const random = seededRandom(1000)
    const chaotic = [...clean, ...clean.filter(() => random() < 0.3)]
    for (let i = chaotic.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[chaotic[i], chaotic[j]] = [chaotic[j], chaotic[i]]
    }
    const subject = await engineWithOutbound()
    const posts = await post(subject, chaotic, 8)
    expect(posts).toBeGreaterThan(1250)
    await subject.settle()
    expect(dump(subject)).toEqual(expected)
  }, 180_000)
})
