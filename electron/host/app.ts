import { randomBytes } from 'node:crypto'
import type { Engine, EngineOptions } from '../core/engine'
import { freePort } from '../core/http/http-util'
import { resolveWhatsAppConfig } from '../core/whatsapp/config'
import { smsSecrets } from '../core/channels/sms-config'
import { startConnectedEngine } from '../launcher/connected-engine'
import { loadOrgPolicyOrDemo } from '../launcher/demo-org'
import type { SandboxProcess } from '../launcher/sandbox-process'
import { startHost, type Host } from './server'
import { createLogger } from '../core/platform/logger'
import { slowStep } from '../core/platform/slow-step'

const log = createLogger('host')

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

/**
 * Starts the engine behind the browser host. Without WhatsApp credentials the sandbox is started
 * as its own process and the engine is pointed at it, sharing its clock.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const env = options.env ?? process.env
  const { policy, raw } = loadOrgPolicyOrDemo(options.orgFile ?? env.GREENLINE_ORG_FILE)
  const port = options.port || (await freePort())
  const token = options.token ?? randomBytes(24).toString('base64url')
  const connected = await startConnectedEngine({
    dataDir: options.dataDir,
    policy,
    whatsapp: resolveWhatsAppConfig({ orgFile: raw, env }),
    listenerPort: port,
    engine: options.engine,
    // No admin screen here: a real SMS provider's secrets come from the environment.
    smsSecrets: smsSecrets(undefined, env),
    ...(env.GREENLINE_PUBLIC_URL ? { publicUrl: env.GREENLINE_PUBLIC_URL } : {}),
  })
  try {
    const host = await startHost({
      engine: connected.engine,
      token,
      port,
      rendererDir: options.rendererDir,
      extraRoutes: connected.routes,
    })
    await connected.engine.start()
    return {
      url: host.url,
      openUrl: `${host.url}/?token=${token}`,
      token,
      engine: connected.engine,
      host,
      sandbox: connected.sandbox,
      async close() {
        await slowStep(log, 'close: listener', host.close())
        await connected.close()
      },
    }
  } catch (error) {
    await connected.close()
    throw error
  }
}
