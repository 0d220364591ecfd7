import { createEngine, type Engine, type EngineOptions, type SqliteEngine } from '../core/engine'
import type { Store } from '../core/db/store'
import type { WebhookRoute } from '../core/http/webhook-routes'
import type { OrgPolicy } from '../core/org/org-policy'
import { withWhatsAppOverrides, type WhatsAppConfig } from '../core/whatsapp/config'
import { join } from 'node:path'
import { OffsetClock } from '../shared/clock'
import { SANDBOX_CLOCK_PATH, sandboxClockRoute } from './sandbox-clock-route'
import { startSandboxProcess, type SandboxLauncher, type SandboxProcess } from './sandbox-process'
import type { SmsSecrets } from '../core/channels/sms-config'
import { wireSms } from './sms-wiring'

export interface ConnectedEngine<E extends Engine = Engine> {
  engine: E
  sandbox?: SandboxProcess
  /** Extra routes for the engine's listener: the sandbox's clock route in sandbox mode, else none. */
  routes: readonly WebhookRoute[]
  /** The token Meta (or the sandbox) must echo when verifying the webhook URL. */
  verifyToken: string
  /** Drains and closes the engine, then stops the sandbox. Close the HTTP listener first. */
  close(): Promise<void>
}

/** What the engine is wired from. */
export interface ConnectedEngineOptions {
  dataDir: string
  policy: OrgPolicy
  whatsapp: WhatsAppConfig
  listenerPort: number
  /** A Node-compatible executable for the sandbox (Electron's binary with ELECTRON_RUN_AS_NODE). */
  execPath?: string
  sandboxEnv?: NodeJS.ProcessEnv
  /** Starts the sandbox's process instead of `spawn` (the desktop app: Electron's utilityProcess). */
  launchSandbox?: SandboxLauncher
  engine?: Partial<Omit<EngineOptions, 'store'>>
  /** The SMS provider's secrets (saved by an admin, or from the environment). */
  smsSecrets?: SmsSecrets
  /** The public URL Twilio calls back (default: the listener). */
  publicUrl?: string
}

/**
 * The engine wired to WhatsApp, as the browser host and the desktop app both run it. Without
 * credentials the sandbox is started as its own process (a separate system, like Meta's servers),
 * posting webhooks and clock jumps to the engine's listener on `listenerPort`; the engine then
 * shares its clock and uses its SMS provider. Call `engine.start()` once the listener is up.
 */
export async function startConnectedEngine(options: ConnectedEngineOptions & { store?: undefined }): Promise<ConnectedEngine<SqliteEngine>>
/** With `store` (a team server's PostgreSQL), the engine runs on it instead of SQLite in `dataDir`. */
export async function startConnectedEngine(options: ConnectedEngineOptions & { store?: Store }): Promise<ConnectedEngine>
export async function startConnectedEngine(options: ConnectedEngineOptions & { store?: Store }): Promise<ConnectedEngine> {
  const base = `http://127.0.0.1:${options.listenerPort}`
  const clock = new OffsetClock()
  let whatsapp = options.whatsapp
  let sandbox: SandboxProcess | undefined
  if (whatsapp.mode === 'sandbox' && options.policy.whatsapp.enabled) {
    sandbox = await startSandboxProcess({
      webhookUrl: `${base}/webhooks/whatsapp`,
      smsWebhookUrl: `${base}/webhooks/channels`,
      clockUrl: `${base}${SANDBOX_CLOCK_PATH}`,
      stateDir: join(options.dataDir, 'sandbox'),
      // As Meta's verified name and the opt-in text agree for a real number.
      businessName: options.policy.whatsapp.businessName ?? options.policy.name,
      ...(options.execPath ? { execPath: options.execPath } : {}),
      ...(options.sandboxEnv ? { env: options.sandboxEnv } : {}),
      ...(options.launchSandbox ? { launch: options.launchSandbox } : {}),
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
    const sms = await wireSms({
      policy: options.policy,
      sandbox,
      secrets: options.smsSecrets ?? {},
      listenerUrl: base,
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    })
    const engineOptions: EngineOptions = {
      dataDir: options.dataDir,
      org: options.policy,
      clock,
      whatsapp,
      ...sms.engine,
      ...(sandbox ? { sandboxUrl: sandbox.url } : {}),
      ...options.engine,
    }
    const { store } = options
    const engine = store ? createEngine({ ...engineOptions, store }) : createEngine({ ...engineOptions, store: undefined })
    let closing: Promise<void> | undefined
    return {
      engine,
      sandbox,
      verifyToken: whatsapp.verifyToken,
      routes: [
        ...sms.routes(engine),
        ...(sandbox
          ? [
              sandboxClockRoute({
                secret: sandbox.appSecret,
                onClock: (offsetMs) => {
                  if (offsetMs > clock.offset) clock.advance(offsetMs - clock.offset)
                },
              }),
            ]
          : []),
      ],
      close: () =>
        (closing ??= (async () => {
          await engine.close()
          await sandbox?.stop()
        })()),
    }
  } catch (error) {
    await sandbox?.stop()
    throw error
  }
}
