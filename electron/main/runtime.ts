import { OffsetClock } from '../shared/clock'
import { createSandboxSmsProvider } from '../core/channels/sandbox-sms-provider'
import { createEngine, type Engine, type EngineOptions } from '../core/engine'
import { loadOrgPolicy } from '../core/org/org-policy'
import { startSandboxProcess, type SandboxProcess } from '../core/platform/sandbox-process'
import { resolveWhatsAppConfig, withWhatsAppOverrides, type WhatsAppConfig } from '../core/whatsapp/config'
import type { Secrets } from './secrets'
import { freePort, startWebhookListener, type WebhookListener } from './webhook-listener'

export interface RuntimeOptions {
  dataDir: string
  env: NodeJS.ProcessEnv
  /** Non-secret WhatsApp settings from the settings file (lowest precedence). */
  whatsappSettings?: Record<string, unknown>
  /** From safeStorage: override the org file and environment. */
  secrets?: Secrets
  /** Electron's own binary, run as Node (ELECTRON_RUN_AS_NODE) for the sandbox process. */
  execPath?: string
  engine?: Partial<EngineOptions>
}

export interface Runtime {
  engine: Engine
  listener: WebhookListener
  sandbox?: SandboxProcess
  /** Stops the listener, drains the scheduler and closes the database, then stops the sandbox. */
  close(): Promise<void>
}

/** The org policy, then settings < org file < environment < keychain secrets. */
export function resolveDesktopWhatsApp(raw: unknown, options: Pick<RuntimeOptions, 'env' | 'whatsappSettings' | 'secrets'>): WhatsAppConfig {
  const secrets = options.secrets ?? {}
  const settings = { ...options.whatsappSettings }
  for (const key of ['accessToken', 'appSecret', 'verifyToken']) delete settings[key]
  const config = resolveWhatsAppConfig({ settings: { ...settings, ...secrets }, orgFile: raw, env: options.env })
  if (!secrets.accessToken && !secrets.appSecret && !secrets.verifyToken) return config
  return withWhatsAppOverrides(config, { ...secrets, ...(secrets.accessToken ? { mode: 'cloud' as const } : {}) })
}

/**
 * Starts the engine for the desktop app the way the browser host does (electron/host/app.ts):
 * without WhatsApp credentials the sandbox runs as a child process (Electron's binary as Node),
 * sharing the clock, and posts webhooks to the loopback listener.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { policy, raw } = loadOrgPolicy(options.env.GREENLINE_ORG_FILE)
  let whatsapp = resolveDesktopWhatsApp(raw, options)
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const clock = new OffsetClock()
  let sandbox: SandboxProcess | undefined
  if (whatsapp.mode === 'sandbox' && policy.whatsapp.enabled) {
    sandbox = await startSandboxProcess({
      webhookUrl: `${base}/webhooks/whatsapp`,
      smsWebhookUrl: `${base}/webhooks/channels`,
      clockUrl: `${base}/webhooks/sandbox-clock`,
      ...(options.execPath ? { execPath: options.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } } : {}),
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
  let engine: Engine | undefined
  try {
    engine = createEngine({
      dataDir: options.dataDir,
      org: policy,
      clock,
      whatsapp,
      ...(sandbox
        ? { sms: createSandboxSmsProvider({ baseUrl: sandbox.url, accessToken: sandbox.accessToken }), sandboxUrl: sandbox.url, channelSecret: sandbox.appSecret }
        : {}),
      ...options.engine,
    })
    const listener = await startWebhookListener({
      engine,
      port,
      sandboxSecret: sandbox?.appSecret,
      onSandboxClock: (offsetMs) => {
        if (offsetMs > clock.offset) clock.advance(offsetMs - clock.offset)
      },
    })
    engine.start()
    const started = engine
    let closing: Promise<void> | undefined
    return {
      engine: started,
      listener,
      sandbox,
      close: () =>
        (closing ??= (async () => {
          await listener.close()
          await started.close()
          await sandbox?.stop()
        })()),
    }
  } catch (error) {
    if (engine) await engine.close().catch(() => undefined)
    await sandbox?.stop()
    throw error
  }
}
