import type { Store } from '../../core/db/store'
import { seal, unseal } from './secret-key'

const KEY = 'server.connector'

/** What an admin saved for the Cloud API connector: the `settings` layer of resolveWhatsAppConfig. */
export interface ConnectorSettings {
  phoneNumberId?: string
  wabaId?: string
  accessToken?: string
  appSecret?: string
  verifyToken?: string
  apiVersion?: string
}

/** The saved settings, decrypted; undefined when none. @throws SecretKeyError with the wrong key. */
export async function readConnectorSettings(store: Pick<Store, 'appState'>, key: Buffer): Promise<ConnectorSettings | undefined> {
  const sealed = await store.appState.getState(KEY)
  return sealed === undefined ? undefined : (JSON.parse(unseal(key, sealed)) as ConnectorSettings)
}

/** Saves the settings encrypted as one sealed value; the database never holds them in the clear. */
export async function writeConnectorSettings(store: Pick<Store, 'appState'>, key: Buffer, settings: ConnectorSettings): Promise<void> {
  await store.appState.setState(KEY, seal(key, JSON.stringify(settings)))
}
