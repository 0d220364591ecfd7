import { createHmac, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedWebhook {
  raw: string
  body: any
  signatureValid: boolean
  answeredWith: number
}

/**
 * A tiny stand-in for the engine's webhook endpoint: verifies X-Hub-Signature-256 over the raw
 * bytes, records every POST, and answers 200 unless told to answer something else next.
 */
export interface WebhookReceiver {
  url: string
  received: ReceivedWebhook[]
  /** Status codes for the next requests, in order; afterwards 200. */
  answerNext(...statuses: number[]): void
  waitFor(predicate: (hook: ReceivedWebhook) => boolean, count?: number): Promise<ReceivedWebhook[]>
  close(): Promise<void>
}

export async function startReceiver(appSecret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  const planned: number[] = []
  const waiters: Array<() => void> = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const rawBytes = Buffer.concat(chunks)
      const expected = Buffer.from(`sha256=${createHmac('sha256', appSecret).update(rawBytes).digest('hex')}`)
      const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''))
      const signatureValid = given.length === expected.length && timingSafeEqual(given, expected)
      const status = planned.shift() ?? (signatureValid ? 200 : 401)
      received.push({ raw: rawBytes.toString('utf8'), body: JSON.parse(rawBytes.toString('utf8')), signatureValid, answeredWith: status })
      res.writeHead(status).end()
      for (const wake of waiters.splice(0)) wake()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    answerNext: (...statuses) => planned.push(...statuses),
    waitFor: (predicate, count = 1) =>
      new Promise((resolve) => {
        const check = () => {
          const matches = received.filter(predicate)
          if (matches.length >= count) resolve(matches)
          else waiters.push(check)
        }
        check()
      }),
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** Every status object in a WhatsApp webhook. */
export function statusesOf(hook: ReceivedWebhook): any[] {
  return (hook.body.entry ?? []).flatMap((e: any) => e.changes.flatMap((c: any) => c.value.statuses ?? []))
}

/** Every inbound message object in a WhatsApp webhook. */
export function messagesOf(hook: ReceivedWebhook): any[] {
  return (hook.body.entry ?? []).flatMap((e: any) => e.changes.flatMap((c: any) => c.value.messages ?? []))
}

export function valueOf(hook: ReceivedWebhook): any {
  return hook.body.entry[0].changes[0].value
}
