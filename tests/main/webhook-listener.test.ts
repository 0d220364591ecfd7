import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Engine } from '../../electron/core/engine'
import type { WebhookListener } from '../../electron/main/webhook-listener'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { createEngine } = await import('../../electron/core/engine')
const { demoOrgPolicy } = await import('../../electron/launcher/demo-org')
const { resolveWhatsAppConfig, withWhatsAppOverrides } = await import('../../electron/core/whatsapp/config')
const { signWebhookBody } = await import('../../electron/core/whatsapp/signature')
const { sandboxClockRoute } = await import('../../electron/launcher/sandbox-clock-route')
const { startWebhookListener } = await import('../../electron/main/webhook-listener')

let engine: Engine
let listener: WebhookListener
const clockJumps: number[] = []

beforeAll(async () => {
  const whatsapp = withWhatsAppOverrides(resolveWhatsAppConfig({ env: {} }), {
    appSecret: 'listener-secret',
    verifyToken: 'listener-verify',
  })
  engine = createEngine({ dataDir: mkdtempSync(join(tmpdir(), 'greenline-listener-')), org: demoOrgPolicy(), whatsapp })
  listener = await startWebhookListener({
    engine,
    extraRoutes: [sandboxClockRoute({ secret: 'clock-secret', onClock: (ms) => clockJumps.push(ms) })],
  })
})
afterAll(async () => {
  await listener.close()
  await engine.close()
})

describe('desktop webhook listener', () => {
  it('listens on loopback only and serves the webhook routes, nothing else', async () => {
    expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await fetch(`${listener.url}/healthz`)).status).toBe(200)
    for (const path of ['/', '/index.html', '/api', `/media/${'a'.repeat(64)}`])
      expect((await fetch(`${listener.url}${path}`)).status, path).toBe(404)
  })

  it('verifies the subscription and refuses unsigned deliveries', async () => {
    const verify = await fetch(`${listener.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=listener-verify&hub.challenge=42`)
    expect(await verify.text()).toBe('42')
    const unsigned = await fetch(`${listener.url}/webhooks/whatsapp`, {
      method: 'POST',
      body: '{"object":"whatsapp_business_account","entry":[]}',
    })
    expect(unsigned.status).toBe(401)
    const body = '{"object":"whatsapp_business_account","entry":[]}'
    const signed = await fetch(`${listener.url}/webhooks/whatsapp`, {
      method: 'POST',
      body,
      headers: { 'x-hub-signature-256': signWebhookBody(Buffer.from(body), 'listener-secret') },
    })
    expect(signed.status).toBe(200)
  })

  it('moves the clock only on a signed sandbox clock jump', async () => {
    const body = JSON.stringify({ offsetMs: 3_600_000 })
    expect((await fetch(`${listener.url}/webhooks/sandbox-clock`, { method: 'POST', body })).status).toBe(401)
    const signed = await fetch(`${listener.url}/webhooks/sandbox-clock`, {
      method: 'POST',
      body,
      headers: { 'x-hub-signature-256': signWebhookBody(Buffer.from(body), 'clock-secret') },
    })
    expect(signed.status).toBe(200)
    expect(clockJumps).toEqual([3_600_000])
  })
})
