import { randomBytes } from 'node:crypto'
import type { Engine } from '../core/engine'
import { startHost, type Host } from '../host/server'

/**
 * The engine's HTTP listener on a loopback port: `/webhooks/whatsapp`, `/webhooks/channels` and
 * `/webhooks/sandbox-clock` (each authenticated by its signature), reachable by the embedded
 * sandbox. It is the browser host's server; its renderer and WebSocket API need a random token
 * that is never shown, so in the desktop app only the webhook routes are usable.
 */
export function startWebhookListener(options: {
  engine: Engine
  port: number
  rendererDir: string
  sandboxSecret?: string
  onSandboxClock?: (offsetMs: number) => void
}): Promise<Host> {
  return startHost({
    engine: options.engine,
    token: randomBytes(32).toString('base64url'),
    port: options.port,
    rendererDir: options.rendererDir,
    sandboxSecret: options.sandboxSecret,
    onSandboxClock: options.onSandboxClock,
  })
}
