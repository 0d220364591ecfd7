import { resolveSmsSetup, type SmsSecrets } from '../core/channels/sms-config'
import { createTwilioIntake } from '../core/channels/twilio/twilio-intake'
import { createTwilioSmsProvider, type TwilioConfig } from '../core/channels/twilio/twilio-provider'
import { twilioWebhookRoute } from '../core/channels/twilio/twilio-routes'
import { createWebhookSmsProvider } from '../core/channels/webhook-provider'
import type { Engine, EngineOptions } from '../core/engine'
import type { WebhookRoute } from '../core/http/webhook-routes'
import type { OrgPolicy } from '../core/org/org-policy'
import type { SandboxProcess } from './sandbox-process'
import { createSandboxSmsProvider } from './sandbox-sms-provider'

export interface SmsWiring {
  /** What the engine is built with: the outbound provider and how signed deliveries are checked. */
  engine: Pick<EngineOptions, 'sms' | 'channelSecret' | 'channelMedia'>
  /** The provider's webhook routes, once the engine exists (Twilio's; none for the others). */
  routes(engine: Engine): WebhookRoute[]
  provider: OrgPolicy['sms']['provider']
}

/**
 * Chooses the SMS provider from the org policy's `sms.provider`. In sandbox mode the sandbox
 * stands in for every outside service: `twilio` then talks to the sandbox's Twilio surface (its
 * account, its number, its signed callbacks), so the real code paths run over real HTTP.
 * @throws SmsConfigError when a real provider lacks a setting or a secret.
 */
export async function wireSms(options: {
  policy: OrgPolicy
  sandbox?: SandboxProcess
  secrets: SmsSecrets
  /** The engine's own listener, e.g. http://127.0.0.1:PORT. */
  listenerUrl: string
  /** Where Twilio reaches this install from outside (status callbacks, signature URL); default the listener. */
  publicUrl?: string
}): Promise<SmsWiring> {
  const provider = options.policy.sms.provider
  const sandbox = options.sandbox
  if (provider === 'sandbox') {
    if (!sandbox) return { engine: {}, routes: () => [], provider }
    return {
      engine: {
        sms: createSandboxSmsProvider({ baseUrl: sandbox.url, accessToken: sandbox.accessToken }),
        channelSecret: sandbox.appSecret,
      },
      routes: () => [],
      provider,
    }
  }
  if (provider === 'twilio') {
    const config = sandbox ? await sandboxTwilio(sandbox, options.listenerUrl) : realTwilio(options)
    return {
      engine: {
        sms: createTwilioSmsProvider(config),
        // The sandbox still posts its own (Meta-style) SMS deliveries, e.g. from the phone simulator.
        ...(sandbox ? { channelSecret: sandbox.appSecret } : {}),
      },
      routes: (engine) => [
        twilioWebhookRoute(createTwilioIntake(engine.ctx, { config: () => config, channels: engine.channels, media: engine.media })),
      ],
      provider,
    }
  }
  const setup = resolveSmsSetup(options.policy.sms, options.secrets)
  if (setup.provider !== 'webhook') throw new Error('unreachable')
  return {
    engine: {
      sms: createWebhookSmsProvider({ url: setup.url, secret: setup.secret }),
      channelSecret: setup.secret,
      channelMedia: { origin: new URL(setup.url).origin, accessToken: setup.secret },
    },
    routes: () => [],
    provider,
  }
}

function realTwilio(options: { policy: OrgPolicy; secrets: SmsSecrets; listenerUrl: string; publicUrl?: string }): TwilioConfig {
  const setup = resolveSmsSetup(options.policy.sms, options.secrets)
  if (setup.provider !== 'twilio') throw new Error('unreachable')
  const { provider: _provider, ...rest } = setup
  return { ...rest, publicUrl: options.publicUrl ?? options.listenerUrl }
}

/** Points the sandbox's Twilio number at our webhooks and learns its account and number. */
async function sandboxTwilio(sandbox: SandboxProcess, listenerUrl: string): Promise<TwilioConfig> {
  const response = await fetch(`${sandbox.url}/sandbox/twilio/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ smsUrl: `${listenerUrl}/webhooks/twilio/sms`, voicemailUrl: `${listenerUrl}/webhooks/twilio/voicemail` }),
    signal: AbortSignal.timeout(10_000),
  })
  if (!response.ok) throw new Error(`The sandbox's Twilio surface did not answer (${response.status})`)
  const { accountSid, number } = (await response.json()) as { accountSid: string; number: string }
  return {
    accountSid,
    apiKeySid: accountSid,
    apiKeySecret: sandbox.appSecret,
    authToken: sandbox.appSecret,
    from: number,
    publicUrl: listenerUrl,
    apiBaseUrl: sandbox.url,
  }
}
