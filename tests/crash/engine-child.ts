/**
 * The engine as a separate process, for the crash test: opens the data folder, listens for the
 * sandbox's webhooks on a fixed port, and writes the planned messages (idempotently, by client id,
 * so a restart after SIGKILL re-runs the plan without writing anything twice). Configured by env:
 *   CRASH_DATA_DIR, CRASH_PORT, CRASH_SANDBOX_URL, CRASH_TOKEN, CRASH_SECRET, CRASH_PHONE_NUMBER_ID,
 *   CRASH_WABA_ID, CRASH_PER_USER, CRASH_GRACE_MS, CRASH_SEND_TIMEOUT_MS.
 * Talks to the parent over IPC: sends {type:'ready'}, {type:'written'}; answers {type:'status'};
 * obeys {type:'pause'} / {type:'resume'} (the parent's back-pressure on the webhook backlog).
 */
import { createEngine } from '../../electron/core/engine'
import { outboxCounts } from '../../electron/core/db/repositories/outbox'
import { demoOrgPolicy } from '../../electron/launcher/demo-org'
import { createWhatsAppClient } from '../../electron/core/whatsapp/client'
import { resolveWhatsAppConfig, withWhatsAppOverrides } from '../../electron/core/whatsapp/config'
import { startHost } from '../../electron/host/server'
import { OffsetClock } from '../../electron/shared/clock'
import type { Conversation } from '../../electron/shared/domain'

const env = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

const loadedAt = performance.now()

async function main(): Promise<void> {
  const dataDir = env('CRASH_DATA_DIR')
  const perUser = Number(env('CRASH_PER_USER'))
  const sendTimeoutMs = Number(process.env.CRASH_SEND_TIMEOUT_MS ?? 2000)
  const clock = new OffsetClock()
  const whatsapp = withWhatsAppOverrides(resolveWhatsAppConfig({ env: {} }), {
    baseUrl: env('CRASH_SANDBOX_URL'),
    accessToken: env('CRASH_TOKEN'),
    appSecret: env('CRASH_SECRET'),
    verifyToken: 'crash-verify',
    phoneNumberId: env('CRASH_PHONE_NUMBER_ID'),
    wabaId: env('CRASH_WABA_ID'),
  })
  const org = {
    ...demoOrgPolicy(),
    limits: { messagesPerSecond: Number(process.env.CRASH_RATE ?? 1000), pairBurst: 1000, pairRefillMs: 10 },
  }
  const engine = createEngine({
    dataDir,
    org,
    clock,
    whatsapp,
    whatsappClient: createWhatsAppClient(whatsapp, { timeoutMs: sendTimeoutMs, clock }),
    scheduler: { reconcileGraceMs: Number(process.env.CRASH_GRACE_MS ?? 1500), sendTimeoutMs },
  })
  await startHost({ engine, token: 'crash-token', port: Number(env('CRASH_PORT')), rendererDir: dataDir })
  engine.start()
  process.send?.({ type: 'ready', loadMs: Math.round(loadedAt), readyMs: Math.round(performance.now()) })

  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'pause') engine.scheduler.pause()
    if (message?.type === 'resume') engine.scheduler.resume()
    if (message?.type !== 'status') return
    void engine.settled().then(() => process.send?.({ type: 'status', outbox: outboxCounts(engine.db) }))
  })

  const request = async (channel: string, payload: unknown) => {
    const result = await engine.dispatch({ userId: 'priya' }, channel, payload)
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`)
    return result.value
  }
  const conversations = ((await request('conversations:list', { channel: 'whatsapp' })) as Conversation[])
    .slice()
    .sort((a, b) => a.contactName.localeCompare(b.contactName))
  // Round by round, so every user's messages are written in order while earlier ones are sending.
  for (let k = 0; k < perUser; k++) {
    for (const conversation of conversations) {
      await request('messages:send', { conversationId: conversation.id, text: `${conversation.contactName} #${k}`, clientId: `crash-${k}` })
    }
    await new Promise((resolve) => setImmediate(resolve))
  }
  process.send?.({ type: 'written' })
}

main().catch((error: unknown) => {
  console.error('engine child failed:', error)
  process.exit(1)
})
