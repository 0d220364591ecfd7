import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../electron/core/engine'
import { demoOrgPolicy } from '../../electron/launcher/demo-org'
import { startHost, type Host } from '../../electron/host/server'

const TOKEN = 'renderer-files-token'
const cookie = { Cookie: `greenline_token=${TOKEN}` }
let dataDir: string
let engine: Engine
let host: Host

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'greenline-renderer-files-'))
  const rendererDir = join(dataDir, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><script type="module" src="./assets/index-Abc123.js"></script>')
  writeFileSync(join(rendererDir, 'assets', 'index-Abc123.js'), 'console.log(1)')
  writeFileSync(join(rendererDir, 'robots.txt'), 'User-agent: *')
  engine = createEngine({ dataDir: join(dataDir, 'data'), org: demoOrgPolicy() })
  host = await startHost({ engine, token: TOKEN, rendererDir })
})

afterAll(async () => {
  await host?.close()
  await engine?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the built renderer over HTTP', () => {
  it('keeps hashed assets for good (a reload does not revalidate them), never the page that names them', async () => {
    const script = await fetch(`${host.url}/assets/index-Abc123.js`, { headers: cookie })
    expect(script.status).toBe(200)
    expect(script.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')

    const page = await fetch(`${host.url}/index.html`, { headers: cookie })
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-store')
    const route = await fetch(`${host.url}/invite?token=x`, { headers: cookie })
    expect(route.headers.get('cache-control')).toBe('no-store')

    // A file outside assets/ has no hash in its name: it is revalidated as before.
    const plain = await fetch(`${host.url}/robots.txt`, { headers: cookie })
    expect(plain.status).toBe(200)
    expect(plain.headers.get('cache-control')).not.toContain('immutable')
  })

  it('still needs the token for the assets', async () => {
    expect((await fetch(`${host.url}/assets/index-Abc123.js`)).status).toBe(401)
  })
})
