import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEngine, type SqliteEngine } from '../../../electron/core/engine'
import { parseOrgPolicy } from '../../../electron/core/org/org-policy'
import { resolveWhatsAppConfig, withWhatsAppOverrides } from '../../../electron/core/whatsapp/config'
import { startHost, type Host } from '../../../electron/host/server'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import type { SandboxProcess } from '../../../electron/launcher/sandbox-process'
import { wireSms } from '../../../electron/launcher/sms-wiring'
import { startSandbox, type Sandbox } from '../../../electron/sandbox/server'
import type { RequestChannel, RequestOf, ValueOf } from '../../../electron/shared/api/contract'
import { OffsetClock } from '../../../electron/shared/clock'
import type { Message } from '../../../electron/shared/domain'
import { freePort } from '../../../electron/core/http/http-util'

export const SECRET = 'twilio-harness-secret'
const TOKEN = 'twilio-harness-token'
export const DAN = '+14155550199'
export const BEN = '+14155550102'

/** The engine with `sms.provider = "twilio"`, wired by the launcher's code to an in-process sandbox over real HTTP. */
export interface TwilioHarness {
  clock: OffsetClock
  sandbox: Sandbox
  engine: SqliteEngine
  host: Host
  call<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<ValueOf<C>>
  /** The sandbox control API (`/sandbox/twilio/...`). */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>
  settle(): Promise<void>
  thread(conversationId: string): Promise<Message[]>
  close(): Promise<void>
}

export async function startTwilioHarness(sms: Record<string, unknown> = {}): Promise<TwilioHarness> {
  const clock = new OffsetClock()
  const sandbox = await startSandbox({ clock, accessToken: TOKEN, appSecret: SECRET })
  const dataDir = mkdtempSync(join(tmpdir(), 'greenline-twilio-'))
  const policy = parseOrgPolicy({ ...demoOrgPolicy(), sms: { provider: 'twilio', ...sms } })
  const port = await freePort()
  const process = { url: sandbox.url, accessToken: TOKEN, appSecret: SECRET } as SandboxProcess
  const wiring = await wireSms({ policy, sandbox: process, secrets: {}, listenerUrl: `http://127.0.0.1:${port}` })
  const whatsapp = withWhatsAppOverrides(resolveWhatsAppConfig({ env: {} }), {
    baseUrl: sandbox.url,
    accessToken: TOKEN,
    appSecret: SECRET,
    phoneNumberId: sandbox.phoneNumberId,
    wabaId: sandbox.wabaId,
  })
  const engine = createEngine({ dataDir, org: policy, clock, whatsapp, ...wiring.engine, sandboxUrl: sandbox.url })
  const host = await startHost({ engine, token: 'harness', port, rendererDir: join(dataDir, 'none'), extraRoutes: wiring.routes(engine) })
  await engine.start()
  const call = async <C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<ValueOf<C>> => {
    const result = await engine.dispatch({ userId: 'priya' }, channel, payload)
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
    return result.value as ValueOf<C>
  }
  return {
    clock,
    sandbox,
    engine,
    host,
    call,
    async control(method, path, body) {
      const response = await fetch(`${sandbox.url}/sandbox/twilio${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await response.text()
      return { status: response.status, body: text ? JSON.parse(text) : undefined }
    },
    async settle() {
      for (let round = 0; round < 50; round++) {
        await sandbox.idle()
        await engine.settled()
        await new Promise((resolve) => setImmediate(resolve))
        const pending = (engine.db.prepare(`SELECT count(*) AS n FROM outbox WHERE state != 'held'`).get() as { n: number }).n
        if (pending === 0 && engine.scheduler.inFlightCount === 0) {
          await sandbox.idle()
          return
        }
      }
      throw new Error('did not settle')
    },
    async thread(conversationId) {
      return (await call('messages:list', { conversationId, limit: 500 })).slice().sort((a, b) => a.seq - b.seq)
    },
    async close() {
      await host.close()
      await engine.close()
      await sandbox.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
