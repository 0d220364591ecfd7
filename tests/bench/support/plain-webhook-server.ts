import Database from 'better-sqlite3'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

export interface PlainWebhookServer {
  url: string
  /** Rows stored so far. */
  stored(): number
  close(): Promise<void>
}

/**
 * Issue 21's physical baseline for webhook ingest: plain `node:http` that reads the body, checks
 * `X-Hub-Signature-256` (HMAC-SHA256, constant-time compare) and inserts the raw body into SQLite
 * (WAL + synchronous=NORMAL, the engine's pragmas), one autocommit insert per delivery. Nothing
 * else: no parsing, no routing, no change feed. Whatever the product does beyond this is its cost.
 */
export async function startPlainWebhookServer(dir: string, appSecret: string): Promise<PlainWebhookServer> {
  const db = new Database(join(dir, 'plain.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`CREATE TABLE deliveries (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, body BLOB NOT NULL)`)
  const insert = db.prepare('INSERT INTO deliveries (received_at, body) VALUES (?, ?)')
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks)
      const header = String(request.headers['x-hub-signature-256'] ?? '')
      const expected = Buffer.from(`sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`)
      const given = Buffer.from(header)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        response.writeHead(401).end()
        return
      }
      insert.run(Date.now(), body)
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/webhooks/whatsapp`,
    stored: () => (db.prepare('SELECT count(*) AS n FROM deliveries').get() as { n: number }).n,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      db.close()
    },
  }
}
