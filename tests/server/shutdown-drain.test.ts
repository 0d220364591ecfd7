import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../electron/core/db/open'
import type { SendValue, WhatsAppClient, WhatsAppResult } from '../../electron/core/whatsapp/client'
import { resolveServerConfig } from '../../electron/server/config'
import { startServer } from '../../electron/server/server'
import { WsClient } from '../helpers/ws-client'
import { sqliteDbOf } from '../helpers/store-engines'

const ADMIN_PASSWORD = 'correct horse battery staple'
const dataDir = mkdtempSync(join(tmpdir(), 'greenline-drain-'))

afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

/**
 * Stands in for Meta: every call answers at once, except a send, which is held open until the
 * test lets it answer (a slow Cloud API at the moment the service manager stops the server).
 */
function slowMeta() {
  let answer!: () => void
  let reached!: () => void
  const inFlight = new Promise<void>((resolve) => (reached = resolve))
  const answered = new Promise<void>((resolve) => (answer = resolve))
  const send = async (): Promise<WhatsAppResult<SendValue>> => {
    reached()
    await answered
    return { ok: true, value: { providerId: 'wamid.drained-on-shutdown' } }
  }
  const fine = async () => ({ ok: true as const, value: undefined })
  const unused = async (): Promise<never> => {
    throw new Error('not called in this test')
  }
  const client: WhatsAppClient = {
    sendText: send,
    sendTemplate: send,
    sendImage: send,
    sendReaction: send,
    uploadMedia: async () => ({ ok: true, value: { mediaId: 'm1' } }),
    markRead: fine,
    getMediaUrl: unused,
    checkAccount: fine,
    listTemplates: async () => ({ ok: true, value: [] }),
    downloadMedia: unused,
  }
  return { client, inFlight, answer }
}

describe('stopping the server @team', () => {
  it('stops taking requests, lets a send in flight finish and records it, then closes the database', async () => {
    const meta = slowMeta()
    const config = resolveServerConfig(['--port', '0', '--data-dir', dataDir], {
      GREENLINE_ADMIN_USER: 'priya',
      GREENLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    })
    const server = await startServer(config, {
      rendererDir: join(dataDir, 'no-renderer'),
      env: {},
      engine: { whatsappClient: meta.client },
    })
    const signedIn = await fetch(`${server.url}/auth/password`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: 'priya', password: ADMIN_PASSWORD }),
    })
    const priya = await WsClient.connect(server.url, { headers: { Cookie: signedIn.headers.get('set-cookie')!.split(';')[0] } })
    const guest = await priya.request('contacts:create', { name: 'Ana Souza', phone: '+14155550123' })
    // Starting WhatsApp without consent sends the opt-in request: that send is now at "Meta".
    const thread = await priya.request('conversations:start', { contactId: guest.id, channel: 'whatsapp' })
    await meta.inFlight

    let closed = false
    const closing = server.close().then(() => (closed = true))
    await priya.closed
    // The listener is gone: a new request is refused while the send is still under way.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
    expect(closed).toBe(false)

    meta.answer()
    await closing
    expect(sqliteDbOf(server.engine).open).toBe(false)

    // The answer that came during shutdown was kept: the opt-in is sent, with Meta's id, not lost to a re-send.
    const db = openDatabase(dataDir)
    try {
      const row = db
        .prepare('SELECT status, provider_id FROM messages WHERE conversation_id = ? AND provider_id IS NOT NULL')
        .get(thread.id)
      expect(row).toEqual({ status: 'sent', provider_id: 'wamid.drained-on-shutdown' })
    } finally {
      db.close()
    }
  })
})
