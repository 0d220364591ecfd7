import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../electron/core/engine'
import { handleWebhookRoutes, type WebhookRoute } from '../../electron/core/http/webhook-routes'
import { signWebhookBody } from '../../electron/core/whatsapp/signature'
import { SANDBOX_CLOCK_PATH, sandboxClockRoute } from '../../electron/launcher/sandbox-clock-route'

// Core's webhook routes know nothing of the sandbox clock: the launcher adds the route, and only
// the listener it composes serves it. The engine's own routes are not reached for this path.
const engine = {} as Pick<Engine, 'webhooks' | 'channels'>
const jumps: number[] = []
let base = ''
let server: Server

function listen(extraRoutes: readonly WebhookRoute[]): Promise<string> {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    void handleWebhookRoutes(engine, request, response, url, { extraRoutes }).then((handled) => {
      if (!handled) response.writeHead(404).end('Not found')
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)),
  )
}

const post = (body: string, secret?: string) =>
  fetch(`${base}${SANDBOX_CLOCK_PATH}`, {
    method: 'POST',
    body,
    headers: secret ? { 'x-hub-signature-256': signWebhookBody(Buffer.from(body), secret) } : {},
  })

describe('the sandbox clock route', () => {
  beforeAll(async () => {
    base = await listen([sandboxClockRoute({ secret: 'clock-secret', onClock: (ms) => jumps.push(ms) })])
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('follows a signed jump and refuses forged, unsigned or malformed ones', async () => {
    expect((await post(JSON.stringify({ offsetMs: 60_000 }), 'clock-secret')).status).toBe(200)
    expect((await post(JSON.stringify({ offsetMs: 120_000 }), 'another-secret')).status).toBe(401)
    expect((await post(JSON.stringify({ offsetMs: 120_000 }))).status).toBe(401)
    expect((await post(JSON.stringify({ offsetMs: 'soon' }), 'clock-secret')).status).toBe(400)
    expect((await post('{', 'clock-secret')).status).toBe(400)
    expect(jumps).toEqual([60_000])
  })

  it('answers only POST on its own path', async () => {
    expect((await fetch(`${base}${SANDBOX_CLOCK_PATH}`)).status).toBe(404)
    expect((await fetch(`${base}/webhooks/other`, { method: 'POST', body: '{}' })).status).toBe(404)
  })

  it('is not a core route: without the launcher the path is unknown', async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    base = await listen([])
    expect((await post(JSON.stringify({ offsetMs: 60_000 }), 'clock-secret')).status).toBe(404)
  })
})
