import { getState, setState } from '../../core/db/repositories/app-state'
import type { Db } from '../../core/db/open'
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
export function readConnectorSettings(db: Db, key: Buffer): ConnectorSettings | undefined {
  const sealed = getState(db, KEY)
  return sealed === undefined ? undefined : (JSON.parse(unseal(key, sealed)) as ConnectorSettings)
}

/** Saves the settings encrypted as one sealed value; the database never holds them in the clear. */
export function writeConnectorSettings(db: Db, key: Buffer, settings: ConnectorSettings): void {
  setState(db, KEY, seal(key, JSON.stringify(settings)))
}
