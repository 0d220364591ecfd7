import { ManualClock } from '../../electron/shared/clock'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox/server'
import { startReceiver, type WebhookReceiver } from './webhook-receiver'

export const TOKEN = 'test-access-token'
export const SECRET = 'test-app-secret'
export const ANA = '+14155550101'
export const BEN = '+14155550102'
export const DAN = '+14155550199'
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64')
export const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9])

export interface Harness {
  clock: ManualClock
  sandbox: Sandbox
  hooks: WebhookReceiver
  sms: WebhookReceiver
  graph(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any }>
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>
  close(): Promise<void>
}

export async function startHarness(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  const clock = new ManualClock()
  const hooks = await startReceiver(SECRET)
  const sms = await startReceiver(SECRET)
  const sandbox = await startSandbox({
    clock,
    accessToken: TOKEN,
    appSecret: SECRET,
    webhookUrl: hooks.url,
    smsWebhookUrl: sms.url,
    ...options,
  })
  const request = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
    const response = await fetch(sandbox.url + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : undefined }
  }
  return {
    clock,
    sandbox,
    hooks,
    sms,
    graph: (method, path, body, token = TOKEN) => request(method, `/v24.0${path}`, body, token ? { authorization: `Bearer ${token}` } : {}),
    control: (method, path, body) => request(method, `/sandbox${path}`, body, {}),
    close: async () => {
      await sandbox.close()
      await hooks.close()
      await sms.close()
    },
  }
}

export const PHONE_ID = '106540352242922'

export function textBody(to: string, text: string, extra: Record<string, unknown> = {}) {
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: text }, ...extra }
}

export function optInBody(to: string, extra: Record<string, unknown> = {}) {
  return {
    messaging_product: 'whatsapp',
    to,
    type: 'template',
    template: {
      name: 'greenline_opt_in',
      language: { code: 'en_US' },
      components: [
        { type: 'body', parameters: [{ type: 'text', text: 'Acme Dental' }] },
        { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'CONSENT_YES' }] },
        { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'CONSENT_NO' }] },
      ],
    },
    ...extra,
  }
}

export function phonePath(phone: string): string {
  return `/users/${encodeURIComponent(phone)}`
}
