import type { EngineOptions, SqliteEngine } from '../core/engine'
import { freePort } from '../core/http/http-util'
import { resolveWhatsAppConfig, withWhatsAppOverrides, type WhatsAppConfig } from '../core/whatsapp/config'
import { startConnectedEngine } from '../launcher/connected-engine'
import { loadOrgPolicyOrDemo } from '../launcher/demo-org'
import type { SandboxLauncher, SandboxProcess } from '../launcher/sandbox-process'
import type { Secrets } from './secrets'
import { startWebhookListener, type WebhookListener } from './webhook-listener'

export interface RuntimeOptions {
  dataDir: string
  env: NodeJS.ProcessEnv
  /** Non-secret WhatsApp settings from the settings file (lowest precedence). */
  whatsappSettings?: Record<string, unknown>
  /** From safeStorage: override the org file and environment. */
  secrets?: Secrets
  /**
   * Starts the sandbox through Electron's utilityProcess (sandbox-utility-process.ts): the packaged
   * app's RunAsNode fuse is off, so its binary cannot be spawned as Node.
   */
  launchSandbox?: SandboxLauncher
  engine?: Partial<EngineOptions>
}

export interface Runtime {
  engine: SqliteEngine
  listener: WebhookListener
  sandbox?: SandboxProcess
  /** Stops the listener, drains the scheduler and closes the database, then stops the sandbox. */
  close(): Promise<void>
}

/** The org policy, then settings < org file < environment < keychain secrets. */
export function resolveDesktopWhatsApp(
  raw: unknown,
  options: Pick<RuntimeOptions, 'env' | 'whatsappSettings' | 'secrets'>,
): WhatsAppConfig {
  const secrets = options.secrets ?? {}
  const settings = { ...options.whatsappSettings }
  for (const key of ['accessToken', 'appSecret', 'verifyToken']) delete settings[key]
  const config = resolveWhatsAppConfig({ settings: { ...settings, ...secrets }, orgFile: raw, env: options.env })
  if (!secrets.accessToken && !secrets.appSecret && !secrets.verifyToken) return config
  return withWhatsAppOverrides(config, { ...secrets, ...(secrets.accessToken ? { mode: 'cloud' as const } : {}) })
}

/**
 * Starts the engine for the desktop app the way the browser host does (launcher/connected-engine):
 * without WhatsApp credentials the sandbox runs as an Electron utility process,
 * sharing the clock, and posts webhooks to the loopback listener.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { policy, raw } = loadOrgPolicyOrDemo(options.env.GREENLINE_ORG_FILE)
  const port = await freePort()
  const connected = await startConnectedEngine({
    dataDir: options.dataDir,
    policy,
    whatsapp: resolveDesktopWhatsApp(raw, options),
    listenerPort: port,
    ...(options.launchSandbox ? { launchSandbox: options.launchSandbox } : {}),
    engine: options.engine,
  })
  try {
    const listener = await startWebhookListener({
      engine: connected.engine,
      port,
      extraRoutes: connected.routes,
    })
    await connected.engine.start()
    let closing: Promise<void> | undefined
    return {
      engine: connected.engine,
      listener,
      sandbox: connected.sandbox,
      close: () =>
        (closing ??= (async () => {
          await listener.close()
          await connected.close()
        })()),
    }
  } catch (error) {
    await connected.close()
    throw error
  }
}
