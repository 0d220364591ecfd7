import type { RequestOf, SmsSettingsView } from '../../shared/api/contract'
import type { Store } from '../../core/db/store'
import { resolveSmsSetup, smsSecrets, SMS_ENV_KEYS, type SmsSecrets } from '../../core/channels/sms-config'
import { parseOrgPolicy, type OrgPolicy } from '../../core/org/org-policy'
import type { PolicyAdmin } from '../policy-admin'
import { seal, unseal } from './secret-key'

const KEY = 'server.sms'

/** The SMS secrets an admin saved, decrypted; undefined when none. @throws SecretKeyError with the wrong key. */
export async function readSmsSecrets(store: Pick<Store, 'appState'>, key: Buffer): Promise<SmsSecrets | undefined> {
  const sealed = await store.appState.getState(KEY)
  return sealed === undefined ? undefined : (JSON.parse(unseal(key, sealed)) as SmsSecrets)
}

/** Saves them encrypted as one sealed value (AES-256-GCM, like the WhatsApp credentials). */
export async function writeSmsSecrets(store: Pick<Store, 'appState'>, key: Buffer, secrets: SmsSecrets): Promise<void> {
  await store.appState.setState(KEY, seal(key, JSON.stringify(secrets)))
}

/**
 * The admin screen's SMS provider: `sms` lives in the org policy (saved through the policy admin),
 * the secrets sealed beside the connector's. Saving checks the result as the next start will, so a
 * provider missing its number or a secret is refused now, naming what is missing.
 */
export function createSmsAdmin(deps: {
  store: Store
  key: Buffer
  policy: PolicyAdmin
  env: NodeJS.ProcessEnv
  publicUrl: URL
  running: OrgPolicy['sms']['provider']
}) {
  let changed = false
  const savedSms = async () => ((await deps.policy.view()).policy.sms as Record<string, unknown> | undefined) ?? { provider: 'sandbox' }
  const view = async (): Promise<SmsSettingsView> => {
    const saved = (await readSmsSecrets(deps.store, deps.key)) ?? {}
    const url = (path: string) => new URL(path, deps.publicUrl).toString()
    return {
      running: deps.running,
      sms: await savedSms(),
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
    async save(input: RequestOf<'admin:setSms'>): Promise<SmsSettingsView> {
      const next: SmsSecrets = { ...(await readSmsSecrets(deps.store, deps.key)) }
      // A secret left empty keeps the one saved.
      for (const field of ['twilioApiKeySecret', 'twilioAuthToken', 'webhookSecret'] as const) if (input[field]) next[field] = input[field]
      const policy = { ...(await deps.policy.view()).policy, sms: input.sms }
      const checked = parseOrgPolicy({ ...policy, users: [{ id: 'check', name: 'check' }] }, 'the SMS settings')
      resolveSmsSetup(checked.sms, smsSecrets(next, deps.env))
      await deps.policy.save(policy)
      await writeSmsSecrets(deps.store, deps.key, next)
      changed = true
      return view()
    },
  }
}

export type SmsAdmin = ReturnType<typeof createSmsAdmin>
