import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type SqliteEngine } from '../../electron/core/engine'
import type { WebhookRoute } from '../../electron/core/http/webhook-routes'
import { startHost } from '../../electron/host/server'
import { demoOrgPolicy } from '../../electron/launcher/demo-org'
import { parseOrgPolicy } from '../../electron/core/org/org-policy'

let engine: SqliteEngine | undefined
let dataDir: string | undefined
afterEach(async () => {
  await engine?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

/** A route that holds its answer until the test lets it go: a request in flight at close. */
function heldRoute() {
  let release!: () => void
  let reached!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  const arrived = new Promise<void>((resolve) => (reached = resolve))
  const route: WebhookRoute = async (_request, response, url) => {
    if (url.pathname !== '/held') return false
    reached()
    await released
    response.end('answered')
    return true
  }
  return { route, arrived, release }
}

describe('closing the host', () => {
  it('lets a request in flight be answered, then ends its keep-alive connection', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'greenline-host-close-'))
    engine = createEngine({ dataDir, org: parseOrgPolicy(demoOrgPolicy()) })
    const held = heldRoute()
    const host = await startHost({ engine, token: 't', rendererDir: join(dataDir, 'none'), extraRoutes: [held.route] })
    // A client that keeps its connection open as long as the server does (as a browser does).
    const client = connect(host.port, '127.0.0.1')
    client.write('GET /held HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n')
    let received = ''
    client.setEncoding('utf8').on('data', (chunk: string) => (received += chunk))
    const ended = new Promise<void>((resolve) => client.on('end', resolve))
    await held.arrived

    // The answer leaves once the listener has stopped (Node then ends only the connections idle at that moment).
    const stopListening = host.server.close.bind(host.server)
    host.server.close = (callback?: (error?: Error) => void) => {
      stopListening(callback)
      held.release()
      return host.server
    }
    // Node would keep the connection for its keep-alive timeout; the answer must still arrive whole.
    await host.close()
    await ended
    expect(received).toMatch(/^HTTP\/1\.1 200[\s\S]*answered$/)
  })

  it('ends a connection a browser opened ahead of need that never asked anything', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'greenline-host-close-'))
    engine = createEngine({ dataDir, org: parseOrgPolicy(demoOrgPolicy()) })
    const host = await startHost({ engine, token: 't', rendererDir: join(dataDir, 'none') })
    const accepted = once(host.server, 'connection')
    const client = connect(host.port, '127.0.0.1')
    const ended = once(client, 'close')
    await accepted

    // Without the fix the close waits for Node's 60 s header timeout: this test times out.
    await host.close()
    await ended
  })
})
