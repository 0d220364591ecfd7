import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserHost, type BrowserHost } from '../../electron/host/app'
import { WsClient } from '../helpers/ws-client'

let app: BrowserHost
let sandboxUrl: string

beforeAll(async () => {
  app = await startBrowserHost({
    dataDir: mkdtempSync(join(tmpdir(), 'greenline-host-')),
    rendererDir: join(tmpdir(), 'no-renderer'),
    env: {},
  })
  sandboxUrl = app.sandbox!.url
})

afterAll(async () => {
  await app?.close()
})

async function sandbox(path: string, body?: unknown): Promise<any> {
  const response = await fetch(
    `${sandboxUrl}${path}`,
    body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
  )
  return response.json()
}

describe('browser host', () => {
  it('answers /healthz without a token and refuses everything else without one', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${app.url}/`)).status).toBe(401)
    expect((await fetch(`${app.url}/media/${'a'.repeat(64)}`)).status).toBe(401)
    await expect(WsClient.connect(app.url)).rejects.toThrow('401')
    await expect(WsClient.connect(app.url, { token: 'wrong' })).rejects.toThrow('401')
    await expect(WsClient.connect(app.url, { token: app.token, origin: 'http://evil.example' })).rejects.toThrow('403')
  })

  it('rejects unknown channels, malformed payloads and requests before sign-in with clear errors', async () => {
    const client = await WsClient.connect(app.url, { token: app.token })
    expect(await client.raw('contacts:list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await client.request('session:signIn', { userId: 'priya' })
    expect(await client.raw('contacts:explode', {})).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringContaining('Unknown channel') },
    })
    expect(await client.raw('contacts:create', { name: 42 })).toMatchObject({ ok: false, error: { code: 'invalid' } })
    client.send('{not json')
    await client.raw('org:users', {})
    expect(client.errors[0]).toMatchObject({ id: null, ok: false, error: { code: 'invalid' } })
    expect(await client.request('contacts:list', { query: 'zzz-nothing' })).toEqual([])
    client.close()
  })

  it('answers a request sent right behind session:signIn as the user signed in (one round trip)', async () => {
    const client = await WsClient.connect(app.url, { token: app.token })
    // Both frames leave before any answer comes back, as the renderer sends its first page.
    const [signedIn, list] = await Promise.all([
      client.raw('session:signIn', { userId: 'priya' }),
      client.raw('conversations:list', { limit: 10 }),
    ])
    expect(signedIn).toMatchObject({ ok: true, value: { user: { id: 'priya' } } })
    expect(list).toMatchObject({ ok: true, value: expect.any(Array) })
    // A failed sign-in holds nothing back and signs nobody in.
    const stranger = await WsClient.connect(app.url, { token: app.token })
    const [refused, after] = await Promise.all([
      stranger.raw('session:signIn', { userId: 'nobody' }),
      stranger.raw('conversations:list', { limit: 10 }),
    ])
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(after).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    client.close()
    stranger.close()
  })

  it('a connection opened as a user is answered as them from its first frame; one opened as a stranger is closed', async () => {
    // The user is looked up in the database when the socket opens: a frame sent at once waits for that.
    const client = await WsClient.connect(app.url, { token: app.token, user: 'priya' })
    expect(await client.raw('session:get', {})).toMatchObject({ ok: true, value: { user: { id: 'priya' } } })
    client.close()
    const stranger = await WsClient.connect(app.url, { token: app.token, user: 'nobody' })
    expect(await stranger.closed).toBe(4003)
  })

  it('sends the opt-in request through the sandbox and receives the reply as a webhook @whatsapp', async () => {
    const client = await WsClient.connect(app.url, { token: app.token, user: 'priya' })
    const contact = await client.request('contacts:create', { name: 'Ana Souza', phone: '(415) 555-0101' })
    expect(contact.phone).toBe('+14155550101')
    const conversation = await client.request('conversations:start', { contactId: contact.id, channel: 'whatsapp' })
    expect(conversation.consent).toBe('requested')
    const queued = await client.request('messages:send', { conversationId: conversation.id, text: 'Your crown is ready' })
    expect(queued).toMatchObject({ status: 'held', holdReason: 'awaiting_consent' })

    await client.waitFor('messages:changed', (m) => m.kind === 'template' && (m.status === 'sent' || m.status === 'delivered'))
    const beforeYes = await sandbox('/sandbox/deliveries?phone=%2B14155550101')
    expect(beforeYes.map((d: any) => d.type)).toEqual(['template'])

    await sandbox('/sandbox/users/%2B14155550101/messages', { buttonPayload: 'CONSENT_YES' })
    await client.waitFor('messages:changed', (m) => m.id === queued.id && (m.status === 'sent' || m.status === 'delivered'))
    const after = await sandbox('/sandbox/deliveries?phone=%2B14155550101')
    expect(after.map((d: any) => (d.type === 'template' ? 'template' : d.text))).toEqual(['template', 'Your crown is ready'])
    expect(after[1].bizOpaqueCallbackData).toBe(queued.id)
    client.close()
  })
})
