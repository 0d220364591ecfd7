import type { ConnectorView, RequestOf } from '../../shared/api/contract'
import type { Store } from '../../core/db/store'
import { ENV_KEYS, resolveWhatsAppConfig, type WhatsAppConfig, type WhatsAppMode } from '../../core/whatsapp/config'
import { readConnectorSettings, writeConnectorSettings, type ConnectorSettings } from './connector-settings'

/**
 * The admin screen's view of the connector: what is saved (secrets only as "set"), which
 * environment variables override it, and whether a restart is pending. Saving validates the
 * result exactly as the next start will (resolveWhatsAppConfig), so a bad value is refused now,
 * then hands it to `apply`, which puts Cloud API credentials to work on the running engine;
 * only a change it cannot apply live (back to the sandbox) waits for a restart.
 */
export function createConnectorAdmin(deps: {
  store: Store
  key: Buffer
  orgFile: unknown
  env: NodeJS.ProcessEnv
  running: WhatsAppMode
  /** Applies the resolved connector to the running server; false when it needs a restart. */
  apply?: (config: WhatsAppConfig) => boolean
}) {
  let changed = false
  let mode = deps.running
  const view = async (): Promise<ConnectorView> => {
    const saved = await readConnectorSettings(deps.store, deps.key)
    return {
      mode,
      saved: saved
        ? {
            ...(saved.phoneNumberId ? { phoneNumberId: saved.phoneNumberId } : {}),
            ...(saved.wabaId ? { wabaId: saved.wabaId } : {}),
            ...(saved.apiVersion ? { apiVersion: saved.apiVersion } : {}),
            accessTokenSet: !!saved.accessToken,
            appSecretSet: !!saved.appSecret,
            verifyTokenSet: !!saved.verifyToken,
          }
        : null,
      environmentOverrides: Object.values(ENV_KEYS).filter((name) => !!deps.env[name]?.trim()),
      restartRequired: changed,
    }
  }
  return {
    view,
    /** @throws WhatsAppConfigError when the result would not start. */
    async save(input: RequestOf<'admin:setConnector'>): Promise<ConnectorView> {
      const next: ConnectorSettings = { ...(await readConnectorSettings(deps.store, deps.key)) }
      for (const [field, value] of Object.entries(input) as Array<[keyof ConnectorSettings, string | undefined]>) {
        // An empty field clears a plain setting; a secret left empty keeps the one saved.
        const secret = field === 'accessToken' || field === 'appSecret' || field === 'verifyToken'
        if (value) next[field] = value
        else if (value === '' && !secret) delete next[field]
      }
      const config = resolveWhatsAppConfig({ settings: next, orgFile: deps.orgFile, env: deps.env })
      await writeConnectorSettings(deps.store, deps.key, next)
      const applied = deps.apply?.(config) ?? false
      if (applied) mode = config.mode
      changed = !applied || changed
      return view()
    },
  }
}

export type ConnectorAdmin = ReturnType<typeof createConnectorAdmin>
