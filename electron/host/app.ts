import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { OffsetClock } from '../shared/clock'
import { createSandboxSmsProvider } from '../core/channels/sandbox-sms-provider'
import { createEngine, type Engine, type EngineOptions } from '../core/engine'
import { loadOrgPolicy } from '../core/org/org-policy'
import { startSandboxProcess, type SandboxProcess } from '../core/platform/sandbox-process'
import { resolveWhatsAppConfig, withWhatsAppOverrides } from '../core/whatsapp/config'
import { startHost, type Host } from './server'

export interface BrowserHostOptions {
  dataDir: string
  rendererDir: string
  port?: number
  token?: string
  orgFile?: string
  env?: NodeJS.ProcessEnv
  /** Extra engine options (tests: scheduler timings). */
  engine?: Partial<EngineOptions>
}

export interface BrowserHost {
  url: string
  /** The address to open: the URL with its token. */
  openUrl: string
  token: string
  engine: Engine
  host: Host
  sandbox?: SandboxProcess
  close(): Promise<void>
}

/** A free loopback port (the sandbox needs the host's webhook address before the host starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/**
 * Starts the engine behind the browser host. Without WhatsApp credentials the sandbox is started
 * as its own process and the engine is pointed at it, sharing its clock.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const env = options.env ?? process.env
  const { policy, raw } = loadOrgPolicy(options.orgFile ?? env.GREENLINE_ORG_FILE)
  let whatsapp = resolveWhatsAppConfig({ orgFile: raw, env })
  const port = options.port || (await freePort())
  const base = `http://127.0.0.1:${port}`
  const token = options.token ?? randomBytes(24).toString('base64url')
  const clock = new OffsetClock()
  let sandbox: SandboxProcess | undefined
  if (whatsapp.mode === 'sandbox' && policy.whatsapp.enabled) {
    sandbox = await startSandboxProcess({
      webhookUrl: `${base}/webhooks/whatsapp`,
      smsWebhookUrl: `${base}/webhooks/channels`,
      clockUrl: `${base}/webhooks/sandbox-clock`,
    })
    whatsapp = withWhatsAppOverrides(whatsapp, {
      baseUrl: sandbox.url,
      accessToken: sandbox.accessToken,
      appSecret: sandbox.appSecret,
      verifyToken: sandbox.verifyToken,
      phoneNumberId: sandbox.phoneNumberId,
      wabaId: sandbox.wabaId,
    })
  }
  try {
    const engine = createEngine({
      dataDir: options.dataDir,
      org: policy,
      clock,
      whatsapp,
      ...(sandbox
        ? { sms: createSandboxSmsProvider({ baseUrl: sandbox.url, accessToken: sandbox.accessToken }), sandboxUrl: sandbox.url, channelSecret: sandbox.appSecret }
        : {}),
      ...options.engine,
    })
    const host = await startHost({
      engine,
      token,
      port,
      rendererDir: options.rendererDir,
      sandboxSecret: sandbox?.appSecret,
      onSandboxClock: (offsetMs) => {
        if (offsetMs > clock.offset) clock.advance(offsetMs - clock.offset)
      },
    })
    engine.start()
    return {
      url: host.url,
      openUrl: `${host.url}/?token=${token}`,
      token,
      engine,
      host,
      sandbox,
      async close() {
        await host.close()
        await engine.close()
        await sandbox?.stop()
      },
    }
  } catch (error) {
    await sandbox?.stop()
    throw error
  }
}
