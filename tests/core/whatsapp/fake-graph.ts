import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: Buffer
  json(): any
}

type Handler = (request: RecordedRequest, response: ServerResponse) => void

/**
 * A tiny stand-in for graph.facebook.com on 127.0.0.1: routes answer by "METHOD /path" and every
 * request is recorded with its raw body, so tests can assert exactly what went over the wire.
 */
export async function startFakeGraph() {
  const routes = new Map<string, Handler[]>()
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        headers: req.headers,
        body,
        json: () => JSON.parse(body.toString('utf8')),
      }
      requests.push(recorded)
      const queue = routes.get(`${recorded.method} ${recorded.path}`)
      // The last handler of a route repeats; earlier ones are used once each.
      const handler = queue && (queue.length > 1 ? queue.shift() : queue[0])
      if (!handler) {
        res.writeHead(404, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { message: 'Unknown path', code: 803 } }))
        return
      }
      handler(recorded, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`

  return {
    url,
    requests,
    /** Adds handlers for a route, answered in order (the last one keeps answering). */
    on(route: string, ...handlers: Handler[]) {
      routes.set(route, [...(routes.get(route) ?? []), ...handlers])
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers })
    response.end(JSON.stringify(body))
  }
}

export function bytes(status: number, data: Uint8Array, contentType: string): Handler {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': contentType, 'content-length': String(data.byteLength) })
    response.end(Buffer.from(data))
  }
}

/** Never answers, to exercise timeouts. */
export const silence: Handler = () => undefined
