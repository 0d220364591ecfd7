import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type SqliteEngine } from '../../../electron/core/engine'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import { resolveWhatsAppConfig } from '../../../electron/core/whatsapp/config'
import { signWebhookBody } from '../../../electron/core/whatsapp/signature'
import { ManualClock } from '../../../electron/shared/clock'
import { messagesWebhook } from '../../helpers/engine-harness'

const OURS = '106540352242922'
const OTHER = '209876543210987'
let engine: SqliteEngine | undefined

afterEach(async () => {
  await engine?.close()
  engine = undefined
})

function inbound(phoneNumberId: string, id: string, text: string, at: number): Buffer {
  return Buffer.from(
    messagesWebhook(
      {
        contacts: [{ profile: { name: 'Ana Souza' }, wa_id: '14155550101' }],
        messages: [{ from: '14155550101', id, timestamp: String(Math.floor(at / 1000)), type: 'text', text: { body: text } }],
      },
      phoneNumberId,
    ),
  )
}

describe('webhooks for several numbers of one business account', () => {
  it('keeps what is addressed to our number and ignores the others (a STOP to another number does not opt out here)', async () => {
    const clock = new ManualClock()
    // Real credentials (cloud mode): Meta may send every number of the account to our URL.
    const whatsapp = resolveWhatsAppConfig({
      env: {
        GREENLINE_WA_ACCESS_TOKEN: 'token',
        GREENLINE_WA_APP_SECRET: 'secret',
        GREENLINE_WA_PHONE_NUMBER_ID: OURS,
        GREENLINE_WA_BASE_URL: 'http://127.0.0.1:9',
      },
    })
    engine = createEngine({ dataDir: mkdtempSync(join(tmpdir(), 'greenline-route-')), org: demoOrgPolicy(), whatsapp, clock })
    await engine.start()
    for (const [number, id, text] of [
      [OTHER, 'wamid.other', 'STOP'],
      [OURS, 'wamid.ours', 'Hello from Ana'],
    ]) {
      const body = inbound(number, id, text, clock.now())
      expect((await engine.webhooks.receive(body, signWebhookBody(body, 'secret'))).status).toBe(200)
    }
    await engine.settled()
    const texts = (engine.db.prepare(`SELECT body FROM messages WHERE direction = 'in'`).all() as Array<{ body: string }>).map(
      (r) => r.body,
    )
    expect(texts).toEqual(['Hello from Ana'])
    expect((engine.db.prepare(`SELECT count(*) AS n FROM consents WHERE state = 'revoked'`).get() as { n: number }).n).toBe(0)
  })
})
