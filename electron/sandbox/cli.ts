import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { OffsetClock } from '../shared/clock'
import { META_RATE_LIMITS } from './rate-limits'
import { signBody, startSandbox } from './server'

/**
 * Standalone sandbox: `tsx electron/sandbox/cli.ts [--port N] [--webhook-url URL] [--sms-webhook-url URL] [--rate-limits meta|off]`.
 * Token and secret come from GREENLINE_SANDBOX_TOKEN / GREENLINE_SANDBOX_APP_SECRET, or are made up
 * and printed so the engine can be configured with them (this is a local test double, not a real
 * credential).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'webhook-url': { type: 'string' },
      'sms-webhook-url': { type: 'string' },
      'window-error-mode': { type: 'string' },
      // Where users, chats and unsent webhooks are kept, so a restart continues (default: memory only).
      'state-dir': { type: 'string' },
      'webhook-concurrency': { type: 'string' },
      // Meta's limits (80 messages/s per number, 131056 pair limit) are on unless `off`.
      'rate-limits': { type: 'string' },
      json: { type: 'boolean' },
      // Embedded: the parent holds our stdin open; when it dies (even by SIGKILL) the pipe closes.
      'exit-with-parent': { type: 'boolean' },
    },
  })
  const port = Number(values.port ?? process.env.GREENLINE_SANDBOX_PORT ?? 0)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0..65535')
  const accessToken = process.env.GREENLINE_SANDBOX_TOKEN || randomBytes(24).toString('base64url')
  const appSecret = process.env.GREENLINE_SANDBOX_APP_SECRET || randomBytes(24).toString('hex')
  const mode = values['window-error-mode']
  if (mode !== undefined && mode !== 'sync' && mode !== 'webhook') throw new Error('--window-error-mode must be sync or webhook')
  const rateLimits = values['rate-limits'] ?? (process.env.GREENLINE_SANDBOX_RATE_LIMITS || 'meta')
  if (rateLimits !== 'meta' && rateLimits !== 'off') throw new Error('--rate-limits must be meta or off')
  const clock = new OffsetClock()
  const clockUrl = process.env.GREENLINE_SANDBOX_CLOCK_URL
  const sandbox = await startSandbox({
    clock,
    // The embedding app's engine shares this clock: tell it about every jump (signed, like webhooks).
    clockAdvanced: clockUrl
      ? async () => {
          const body = JSON.stringify({ offsetMs: clock.offset })
          await fetch(clockUrl, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signBody(body, appSecret) },
            body,
          }).catch(() => console.error('Could not tell the app about the clock change'))
        }
      : undefined,
    host: values.host ?? '127.0.0.1',
    port,
    accessToken,
    appSecret,
    webhookUrl: values['webhook-url'] ?? process.env.GREENLINE_SANDBOX_WEBHOOK_URL,
    smsWebhookUrl: values['sms-webhook-url'] ?? process.env.GREENLINE_SANDBOX_SMS_WEBHOOK_URL,
    windowErrorMode: mode,
    stateDir: values['state-dir'] ?? (process.env.GREENLINE_SANDBOX_STATE_DIR || undefined),
    businessName: process.env.GREENLINE_SANDBOX_BUSINESS_NAME || undefined,
    webhookConcurrency: values['webhook-concurrency'] ? Number(values['webhook-concurrency']) : undefined,
    // As kind as Meta, no kinder: also when the app embeds it.
    ...(rateLimits === 'meta' ? { limits: META_RATE_LIMITS } : {}),
  })
  if (values.json) {
    console.log(JSON.stringify({ url: sandbox.url, phoneNumberId: sandbox.phoneNumberId, wabaId: sandbox.wabaId }))
  }
  const lines = [
    `Greenline WhatsApp sandbox listening on ${sandbox.url}`,
    `  phone simulator:  ${sandbox.url}/`,
    `  Graph base URL:   ${sandbox.url}/v24.0  (phone number id ${sandbox.phoneNumberId}, WABA ${sandbox.wabaId})`,
    `  SMS API:          ${sandbox.url}/sms/v1/messages`,
  ]
  if (!process.env.GREENLINE_SANDBOX_TOKEN) lines.push(`  access token:     ${accessToken}   (set GREENLINE_SANDBOX_TOKEN to choose it)`)
  if (!process.env.GREENLINE_SANDBOX_APP_SECRET)
    lines.push(`  app secret:       ${appSecret}   (set GREENLINE_SANDBOX_APP_SECRET to choose it)`)
  console.log(lines.join('\n'))
  const stop = () => void sandbox.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  if (values['exit-with-parent']) {
    // An orphaned sandbox would keep sending webhooks signed with a secret nobody knows any more.
    process.stdin.on('end', stop)
    process.stdin.on('close', stop)
    process.stdin.on('error', stop)
    process.stdin.resume()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
