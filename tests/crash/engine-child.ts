/**
 * The engine as a separate process, for the crash test, with production settings (the default
 * reconcile grace, send timeout and scheduler; the demo organization's rate limits): opens the data
 * folder, listens for the sandbox's webhooks on a fixed port, and writes the plan from position
 * CRASH_START on, the way a client would: each message once, and after a crash only those the
 * engine had not acknowledged yet (the one in flight at the kill is retried with its client id;
 * nothing acknowledged is ever sent again, so a message the engine acknowledged and then lost
 * would not be recreated). Configured by env:
 *   CRASH_DATA_DIR, CRASH_PORT, CRASH_SANDBOX_URL, CRASH_TOKEN, CRASH_SECRET, CRASH_PHONE_NUMBER_ID,
 *   CRASH_WABA_ID, CRASH_USERS, CRASH_PER_USER, CRASH_START; CRASH_GRACE_MS only to experiment.
 * Talks to the parent over IPC: sends {type:'ready'}, {type:'ack', index} for each message the
 * engine acknowledged, {type:'written'}; answers {type:'status'}.
 */
import { createEngine } from '../../electron/core/engine'
import { outboxCounts } from '../../electron/core/db/repositories/outbox'
import { demoOrgPolicy } from '../../electron/launcher/demo-org'
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
  const users = Number(env('CRASH_USERS'))
  const perUser = Number(env('CRASH_PER_USER'))
  const start = Number(process.env.CRASH_START ?? 0)
  const clock = new OffsetClock()
  const whatsapp = withWhatsAppOverrides(resolveWhatsAppConfig({ env: {} }), {
    baseUrl: env('CRASH_SANDBOX_URL'),
    accessToken: env('CRASH_TOKEN'),
    appSecret: env('CRASH_SECRET'),
    verifyToken: 'crash-verify',
    phoneNumberId: env('CRASH_PHONE_NUMBER_ID'),
    wabaId: env('CRASH_WABA_ID'),
  })
  const engine = createEngine({
    dataDir,
    org: demoOrgPolicy(),
    clock,
    whatsapp,
    ...(process.env.CRASH_GRACE_MS ? { scheduler: { reconcileGraceMs: Number(process.env.CRASH_GRACE_MS) } } : {}),
  })
  await startHost({ engine, token: 'crash-token', port: Number(env('CRASH_PORT')), rendererDir: dataDir })
  await engine.start()
  process.send?.({ type: 'ready', loadMs: Math.round(loadedAt), readyMs: Math.round(performance.now()) })

  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'status') return
    void engine.settled().then(() => process.send?.({ type: 'status', outbox: outboxCounts(engine.db) }))
  })

  const request = async (channel: string, payload: unknown) => {
    const result = await engine.dispatch({ userId: 'priya' }, channel, payload)
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`)
    return result.value
  }
  // One page holds every thread (the list pages by 100 by default). A short list would leave part
  // of the plan unwritten and show up as lost messages, so it fails here, saying why.
  const conversations = ((await request('conversations:list', { channel: 'whatsapp', limit: 1000 })) as Conversation[])
    .slice()
    .sort((a, b) => a.contactName.localeCompare(b.contactName))
  if (conversations.length !== users) throw new Error(`expected ${users} threads, the engine listed ${conversations.length}`)
  // Round by round, so every user's messages are written in order while earlier ones are sending.
  const total = perUser * conversations.length
  for (let index = start; index < total; index++) {
    const k = Math.floor(index / conversations.length)
    const conversation = conversations[index % conversations.length]
    await request('messages:send', { conversationId: conversation.id, text: `${conversation.contactName} #${k}`, clientId: `crash-${k}` })
    process.send?.({ type: 'ack', index })
    if (index % conversations.length === conversations.length - 1) await new Promise((resolve) => setImmediate(resolve))
  }
  process.send?.({ type: 'written' })
}

main().catch((error: unknown) => {
  console.error('engine child failed:', error)
  process.exit(1)
})
