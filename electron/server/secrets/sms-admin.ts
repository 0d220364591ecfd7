import type { RequestOf, SmsSettingsView } from '../../shared/api/contract'
import { getState, setState } from '../../core/db/repositories/app-state'
import type { Db } from '../../core/db/open'
import { resolveSmsSetup, smsSecrets, SMS_ENV_KEYS, type SmsSecrets } from '../../core/channels/sms-config'
import { parseOrgPolicy, type OrgPolicy } from '../../core/org/org-policy'
import type { PolicyAdmin } from '../policy-admin'
import { seal, unseal } from './secret-key'

const KEY = 'server.sms'

/** The SMS secrets an admin saved, decrypted; undefined when none. @throws SecretKeyError with the wrong key. */
export function readSmsSecrets(db: Db, key: Buffer): SmsSecrets | undefined {
  const sealed = getState(db, KEY)
  return sealed === undefined ? undefined : (JSON.parse(unseal(key, sealed)) as SmsSecrets)
}

/** Saves them encrypted as one sealed value (AES-256-GCM, like the WhatsApp credentials). */
export function writeSmsSecrets(db: Db, key: Buffer, secrets: SmsSecrets): void {
  setState(db, KEY, seal(key, JSON.stringify(secrets)))
}

/**
 * The admin screen's SMS provider: `sms` lives in the org policy (saved through the policy admin),
 * the secrets sealed beside the connector's. Saving checks the result as the next start will, so a
 * provider missing its number or a secret is refused now, naming what is missing.
 */
export function createSmsAdmin(deps: {
  db: Db
  key: Buffer
  policy: PolicyAdmin
  env: NodeJS.ProcessEnv
  publicUrl: URL
  running: OrgPolicy['sms']['provider']
}) {
  let changed = false
  const savedSms = () => (deps.policy.view().policy.sms as Record<string, unknown> | undefined) ?? { provider: 'sandbox' }
  const view = (): SmsSettingsView => {
    const saved = readSmsSecrets(deps.db, deps.key) ?? {}
    const url = (path: string) => new URL(path, deps.publicUrl).toString()
    return {
      running: deps.running,
      sms: savedSms(),
      secrets: {
        twilioApiKeySecretSet: !!saved.twilioApiKeySecret,
        twilioAuthTokenSet: !!saved.twilioAuthToken,
        webhookSecretSet: !!saved.webhookSecret,
      },
      urls: {
        twilioSms: url('/webhooks/twilio/sms'),
        twilioVoicemail: url('/webhooks/twilio/voicemail'),
        channels: url('/webhooks/channels'),
      },
      environmentOverrides: Object.values(SMS_ENV_KEYS).filter((name) => !!deps.env[name]?.trim()),
      restartRequired: changed,
    }
  }
  return {
    view,
    /** @throws OrgPolicyError or SmsConfigError naming the first problem; nothing is saved then. */
    save(input: RequestOf<'admin:setSms'>): SmsSettingsView {
      const next: SmsSecrets = { ...readSmsSecrets(deps.db, deps.key) }
      // A secret left empty keeps the one saved.
      for (const field of ['twilioApiKeySecret', 'twilioAuthToken', 'webhookSecret'] as const) if (input[field]) next[field] = input[field]
      const policy = { ...deps.policy.view().policy, sms: input.sms }
      const checked = parseOrgPolicy({ ...policy, users: [{ id: 'check', name: 'check' }] }, 'the SMS settings')
      resolveSmsSetup(checked.sms, smsSecrets(next, deps.env))
      deps.policy.save(policy)
      writeSmsSecrets(deps.db, deps.key, next)
      changed = true
      return view()
    },
  }
}

export type SmsAdmin = ReturnType<typeof createSmsAdmin>
