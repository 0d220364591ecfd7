import { createHash } from 'node:crypto'
import { get as httpGet } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { unzipSync } from 'fflate'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveServerConfig } from '../../electron/server/config'
import { startServer, type TeamServer } from '../../electron/server/server'
import type { MediaUploadValue } from '../../electron/shared/api/contract'
import { passwordSessionCookie } from '../helpers/password-sign-in'
import { WsClient } from '../helpers/ws-client'

const ADMIN_PASSWORD = 'correct horse battery staple'
let dataDir: string
let server: TeamServer
let admin: WsClient
let member: WsClient
let adminCookie: string
let memberCookie: string

const url = (path: string) => `${server.url}${path}`

const sessionCookie = (userId: string, password: string) => passwordSessionCookie(server.url, userId, password)

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'greenline-export-download-'))
  const config = resolveServerConfig(['--port', '0', '--data-dir', dataDir], {
    GREENLINE_ADMIN_USER: 'priya',
    GREENLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
  })
  server = await startServer(config, { rendererDir: join(dataDir, 'no-renderer'), env: {} })
  adminCookie = await sessionCookie('priya', ADMIN_PASSWORD)
  admin = await WsClient.connect(server.url, { headers: { Cookie: adminCookie } })
  const invite = await admin.request('users:invite', { userId: 'mona', name: 'Mona Diaz' })
  const accepted = await fetch(url('/auth/invite/accept'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: new URL(invite.inviteUrl).searchParams.get('token'), password: 'mona-password-long' }),
  })
  expect(accepted.status).toBe(204)
  memberCookie = await sessionCookie('mona', 'mona-password-long')
  member = await WsClient.connect(server.url, { headers: { Cookie: memberCookie } })

  // Priya's thread holds a picture and a text Mona may not read.
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#aa3322' } })
    .png()
    .toBuffer()
  const picture: MediaUploadValue = await admin.request('media:upload', { dataBase64: png.toString('base64') })
  const guest = await admin.request('contacts:create', { name: 'Private Guest', phone: '+14155550177' })
  const thread = await admin.request('conversations:start', { contactId: guest.id, channel: 'sms' })
  await admin.request('messages:send', { conversationId: thread.id, text: 'Only for Priya' })
  const onWhatsApp = await admin.request('contacts:create', { name: 'Picture Guest', phone: '+14155550188' })
  const pictures = await admin.request('conversations:start', { contactId: onWhatsApp.id, channel: 'whatsapp' })
  await admin.request('messages:send', { conversationId: pictures.id, mediaId: picture.mediaId })
  const own = await member.request('contacts:create', { name: 'Mona Guest', phone: '+14155550166' })
  const monaThread = await member.request('conversations:start', { contactId: own.id, channel: 'sms' })
  await member.request('messages:send', { conversationId: monaThread.id, text: 'Mona writes here' })
})

afterAll(async () => {
  admin?.close()
  member?.close()
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** A GET whose path goes out exactly as written. */
function rawGet(path: string, cookie: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpGet({ host: '127.0.0.1', port: server.port, path, headers: { Cookie: cookie } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }))
    })
    request.on('error', reject)
  })
}

const download = (folder: string, headers: Record<string, string>) => fetch(url(`/exports/${folder}`), { headers })

/** The zip's files by their path inside the export folder; every entry sits under that folder. */
async function unzip(response: Response, folder: string): Promise<Map<string, Buffer>> {
  const entries = unzipSync(new Uint8Array(await response.arrayBuffer()))
  const files = new Map<string, Buffer>()
  for (const [path, bytes] of Object.entries(entries)) {
    expect(path.startsWith(`${folder}/`), path).toBe(true)
    files.set(path.slice(folder.length + 1), Buffer.from(bytes))
  }
  return files
}

describe('downloading an export from the server @team', () => {
  it('gives an administrator the whole-organization export as one zip, identical to its manifest', async () => {
    const run = await admin.request('export:run', { organization: true })
    const folder = basename(run.outDir)
    const response = await download(folder, { Cookie: adminCookie })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/zip')
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${folder}.zip"`)
    expect(response.headers.get('cache-control')).toBe('no-store')

    const files = await unzip(response, folder)
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as {
      files: Array<{ path: string; sha256: string; bytes: number }>
    }
    expect(manifest.files.length).toBeGreaterThan(3)
    // Every listed file is in the zip with the bytes the manifest vouches for, pictures included.
    for (const file of manifest.files) {
      const bytes = files.get(file.path)
      expect(bytes, file.path).toBeDefined()
      expect(createHash('sha256').update(bytes!).digest('hex'), file.path).toBe(file.sha256)
    }
    expect(manifest.files.some((f) => f.path.startsWith('media/'))).toBe(true)
    expect(files.get('messages.jsonl')!.toString('utf8')).toContain('Only for Priya')
    expect(files.get('messages.jsonl')!.toString('utf8')).toContain('Mona writes here')

    // The download is in the audit log, by whom and which folder.
    const [latest] = await admin.request('admin:audit', {})
    expect(latest).toMatchObject({ action: 'export.downloaded', actorId: 'priya', detail: { folder, everything: true } })
  })

  it('refuses the organization export to a member, and anyone without a session, as if it did not exist', async () => {
    const folder = basename((await admin.request('export:run', { organization: true })).outDir)
    expect((await download(folder, { Cookie: memberCookie })).status).toBe(404)
    expect((await download(folder, {})).status).toBe(401)
    expect((await download(`${folder}.zip`, { Cookie: adminCookie })).status).toBe(200)
  })

  it("gives a member their own export, and nobody else (not even an admin) someone's personal one", async () => {
    const folder = basename((await member.request('export:run', {})).outDir)
    const response = await download(folder, { Cookie: memberCookie })
    expect(response.status).toBe(200)
    const messages = (await unzip(response, folder)).get('messages.jsonl')!.toString('utf8')
    expect(messages).toContain('Mona writes here')
    expect(messages).not.toContain('Only for Priya')
    expect((await download(folder, { Cookie: adminCookie })).status).toBe(404)
  })

  it('takes a personal access token, as scripts do', async () => {
    const folder = basename((await admin.request('export:run', { organization: true })).outDir)
    const created = await fetch(url('/auth/tokens'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: adminCookie },
      body: JSON.stringify({ name: 'nightly archive' }),
    })
    const { token } = (await created.json()) as { token: string }
    expect((await download(folder, { Authorization: `Bearer ${token}` })).status).toBe(200)
    expect((await download(folder, { Authorization: 'Bearer glt_not-a-token' })).status).toBe(401)
  })

  it('serves nothing but finished export folders: no other file of the data directory, no folder planted without a run', async () => {
    // A folder with an export's name and a manifest, but no `export.run` behind it.
    const planted = 'greenline-export-20200101T000000Z'
    mkdirSync(join(server.engine.exportsDir, planted), { recursive: true })
    writeFileSync(join(server.engine.exportsDir, planted, 'manifest.json'), '{}')
    expect((await download(planted, { Cookie: adminCookie })).status).toBe(404)
    expect((await download('greenline-export-20991231T235959Z', { Cookie: adminCookie })).status).toBe(404)

    // Sent byte for byte (fetch would resolve the dots itself before sending).
    for (const path of [
      'greenline.db',
      '..%2Fgreenline.db',
      '../greenline.db',
      '%2e%2e/greenline.db',
      '..%2F..%2Fetc%2Fpasswd',
      'greenline-export-x%2F..%2F..%2Fgreenline.db',
    ]) {
      const response = await rawGet(`/exports/${path}`, adminCookie)
      expect([400, 404], path).toContain(response.status)
      expect(response.body.toString('latin1'), path).not.toContain('SQLite format 3')
    }
  })
})
