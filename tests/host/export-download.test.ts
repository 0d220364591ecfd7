import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../electron/core/engine'
import { demoOrgPolicy } from '../../electron/launcher/demo-org'
import { startHost, type Host } from '../../electron/host/server'
import { WsClient } from '../helpers/ws-client'

const TOKEN = 'export-download-token'
let dataDir: string
let engine: Engine
let host: Host

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'greenline-host-export-'))
  engine = createEngine({ dataDir, org: demoOrgPolicy() })
  host = await startHost({ engine, token: TOKEN, rendererDir: join(dataDir, 'no-renderer') })
})

afterAll(async () => {
  await host?.close()
  await engine?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the browser host hands its exports over as a zip', () => {
  it('to the holder of its token, and to no one else', async () => {
    const socket = await WsClient.connect(host.url, { token: TOKEN })
    await socket.request('session:signIn', { userId: 'priya' })
    const contact = await socket.request('contacts:create', { name: 'Ana Souza', phone: '+14155550101' })
    const thread = await socket.request('conversations:start', { contactId: contact.id, channel: 'sms' })
    await socket.request('messages:send', { conversationId: thread.id, text: 'Your parts arrived' })
    const folder = basename((await socket.request('export:run', {})).outDir)
    socket.close()

    expect((await fetch(`${host.url}/exports/${folder}`)).status).toBe(401)
    const response = await fetch(`${host.url}/exports/${folder}`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    expect(response.status).toBe(200)
    const entries = unzipSync(new Uint8Array(await response.arrayBuffer()))
    expect(Buffer.from(entries[`${folder}/messages.jsonl`]).toString('utf8')).toContain('Your parts arrived')
  })
})
