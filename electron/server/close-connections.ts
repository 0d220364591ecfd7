import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/**
 * Ends an HTTP server's connections as it closes, so a close waits only for the requests in
 * flight. Node's `closeIdleConnections` (Fastify's `forceCloseConnections: 'idle'`) runs once and
 * misses two kinds: a keep-alive connection whose request is answered after it ran (kept for the
 * keep-alive timeout), and one a browser opened ahead of need that has sent nothing yet (Node counts
 * it as busy until its 60 s header timeout). Either held a host's close for up to a minute.
 * WebSocket connections are left to their own route, which terminates them.
 *
 * `connectionEvent`: 'secureConnection' for HTTPS (its requests come over the TLS socket).
 */
export function closeConnectionsWithServer(server: Server, connectionEvent: 'connection' | 'secureConnection'): () => void {
  let closing = false
  /** Open HTTP connections, with how many requests each has in flight. */
  const inFlight = new Map<Socket, number>()

  server.on(connectionEvent, (socket: Socket) => {
    // Accepted as the listener closes: nothing it could ask would be served.
    if (closing) return void socket.destroy()
    inFlight.set(socket, 0)
    socket.once('close', () => inFlight.delete(socket))
  })
  server.on('upgrade', (request: { socket: Socket }) => inFlight.delete(request.socket))
  server.on('request', (request: { socket: Socket }, response: { once(event: 'close', listener: () => void): void }) => {
    const socket = request.socket
    if (!inFlight.has(socket)) return
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1)
    response.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1
      if (inFlight.has(socket)) inFlight.set(socket, left)
      if (closing && left === 0) socket.end()
    })
  })

  /** Call as the server starts closing: idle connections end now, busy ones once answered. */
  return () => {
    closing = true
    for (const [socket, requests] of inFlight) if (requests === 0) socket.destroy()
  }
}
