import type { SafeStorage } from 'electron'
import { createLogger } from '../core/platform/logger'
import type { Settings } from './settings'

const log = createLogger('secrets')

/** The WhatsApp credentials kept in the OS keychain-backed safeStorage. */
export const SECRET_NAMES = ['accessToken', 'appSecret', 'verifyToken'] as const
export type SecretName = (typeof SECRET_NAMES)[number]
export type Secrets = Partial<Record<SecretName, string>>

export class SecretsUnavailableError extends Error {
  override name = 'SecretsUnavailableError'
}

/**
 * Secrets are stored only as safeStorage ciphertext (base64) in the settings file. Without OS
 * encryption they are not stored at all: never plain text. Values are never logged.
 */
export class SecretVault {
  constructor(
    private readonly settings: Settings,
    private readonly safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
      Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /**
   * On Linux without a keyring, safeStorage "encrypts" with a fixed, public password
   * (`basic_text`): that is plain text in disguise, so it counts as no encryption.
   */
  private encryptionIsReal(): boolean {
    if (!this.safeStorage.isEncryptionAvailable()) return false
    if (this.platform !== 'linux') return true
    const backend = this.safeStorage.getSelectedStorageBackend?.()
    return backend !== 'basic_text' && backend !== 'unknown'
  }

  /**
   * Encrypts and stores the given secrets (an empty string removes one).
   * @throws SecretsUnavailableError when the OS offers no encryption (nothing is written).
   */
  save(values: Secrets): void {
    if (!this.encryptionIsReal()) {
      throw new SecretsUnavailableError(
        'The system keychain is not available (on Linux: no GNOME Keyring or KWallet); secrets were not saved',
      )
    }
    const stored = this.settings.encryptedSecrets()
    for (const name of SECRET_NAMES) {
      const value = values[name]
      if (value === undefined) continue
      if (value === '') delete stored[name]
      else stored[name] = this.safeStorage.encryptString(value).toString('base64')
    }
    this.settings.setEncryptedSecrets(stored)
  }

  /** The decrypted secrets; one that cannot be decrypted (another machine's keychain) is left out. */
  load(): Secrets {
    const stored = this.settings.encryptedSecrets()
    const secrets: Secrets = {}
    if (Object.keys(stored).length === 0) return secrets
    if (!this.safeStorage.isEncryptionAvailable()) {
      log.warn('stored secrets cannot be read: the system keychain is not available')
      return secrets
    }
    for (const name of SECRET_NAMES) {
      const cipher = stored[name]
      if (!cipher) continue
      try {
        secrets[name] = this.safeStorage.decryptString(Buffer.from(cipher, 'base64'))
      } catch {
        log.warn('a stored secret could not be decrypted', { name })
      }
    }
    return secrets
  }

  /**
   * Moves secrets an administrator provisioned in plain text (the settings file's `whatsapp`
   * section) into safeStorage and removes the plain copies. Returns the names moved.
   */
  absorbPlainSecrets(): SecretName[] {
    const whatsapp = this.settings.whatsapp()
    const found: Secrets = {}
    for (const name of SECRET_NAMES) {
      if (typeof whatsapp[name] === 'string' && whatsapp[name] !== '') found[name] = whatsapp[name]
    }
    const names = Object.keys(found) as SecretName[]
    if (names.length === 0) return []
    this.save(found)
    for (const name of names) delete whatsapp[name]
    this.settings.setWhatsApp(whatsapp)
    log.info('moved plain secrets into the keychain', { names })
    return names
  }
}
