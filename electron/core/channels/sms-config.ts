import type { OrgPolicy } from '../org/org-policy'

/** The SMS secrets: saved encrypted by an admin (team server) or given in the environment. */
export interface SmsSecrets {
  /** The Twilio API key's secret (or the auth token when the account SID is used as the key). */
  twilioApiKeySecret?: string
  /** The Twilio auth token, which signs Twilio's webhooks (X-Twilio-Signature). */
  twilioAuthToken?: string
  /** The generic webhook provider's shared HMAC-SHA256 secret. */
  webhookSecret?: string
}

/** Environment variables that override saved SMS secrets (solo installs have no admin screen). */
export const SMS_ENV_KEYS = {
  twilioApiKeySecret: 'GREENLINE_TWILIO_API_KEY_SECRET',
  twilioAuthToken: 'GREENLINE_TWILIO_AUTH_TOKEN',
  webhookSecret: 'GREENLINE_SMS_WEBHOOK_SECRET',
} as const satisfies Record<keyof SmsSecrets, string>

export class SmsConfigError extends Error {
  override name = 'SmsConfigError'
}

/** Who carries SMS, resolved from the policy and the secrets; the sandbox stands in for all in sandbox mode. */
export type SmsSetup =
  | { provider: 'sandbox' }
  | {
      provider: 'twilio'
      accountSid: string
      apiKeySid: string
      apiKeySecret: string
      authToken: string
      from?: string
      messagingServiceSid?: string
    }
  | { provider: 'webhook'; url: string; secret: string }

/** The secrets in effect: the environment's win over the saved ones. */
export function smsSecrets(saved: SmsSecrets | undefined, env: NodeJS.ProcessEnv): SmsSecrets {
  const secrets: SmsSecrets = { ...saved }
  for (const [field, name] of Object.entries(SMS_ENV_KEYS) as Array<[keyof SmsSecrets, string]>) {
    const value = env[name]?.trim()
    if (value) secrets[field] = value
  }
  return secrets
}

/**
 * Resolves `sms.provider` for a real (non-sandbox) start. @throws SmsConfigError naming what is
 * missing, so a half-configured provider never starts (and an admin sees why when saving).
 */
export function resolveSmsSetup(policy: OrgPolicy['sms'], secrets: SmsSecrets): SmsSetup {
  if (policy.provider === 'sandbox') return { provider: 'sandbox' }
  if (policy.provider === 'webhook') {
    if (!policy.webhook?.url) throw new SmsConfigError('sms.provider is "webhook" but sms.webhook.url is not set')
    if (!secrets.webhookSecret || secrets.webhookSecret.length < 16)
      throw new SmsConfigError(`The SMS webhook secret is missing or shorter than 16 characters (${SMS_ENV_KEYS.webhookSecret})`)
    return { provider: 'webhook', url: policy.webhook.url, secret: secrets.webhookSecret }
  }
  const twilio = policy.twilio
  if (!twilio) throw new SmsConfigError('sms.provider is "twilio" but sms.twilio.accountSid is not set')
  if (!twilio.from && !twilio.messagingServiceSid)
    throw new SmsConfigError('sms.twilio needs the sending number (from) or a messaging service (messagingServiceSid)')
  if (!secrets.twilioAuthToken) throw new SmsConfigError(`The Twilio auth token is not set (${SMS_ENV_KEYS.twilioAuthToken})`)
  const apiKeySid = twilio.apiKeySid ?? twilio.accountSid
  // Without an API key the account SID authenticates with the auth token, as Twilio allows.
  const apiKeySecret = secrets.twilioApiKeySecret ?? (apiKeySid === twilio.accountSid ? secrets.twilioAuthToken : undefined)
  if (!apiKeySecret) throw new SmsConfigError(`The Twilio API key secret is not set (${SMS_ENV_KEYS.twilioApiKeySecret})`)
  return {
    provider: 'twilio',
    accountSid: twilio.accountSid,
    apiKeySid,
    apiKeySecret,
    authToken: secrets.twilioAuthToken,
    ...(twilio.from ? { from: twilio.from } : {}),
    ...(twilio.messagingServiceSid ? { messagingServiceSid: twilio.messagingServiceSid } : {}),
  }
}
