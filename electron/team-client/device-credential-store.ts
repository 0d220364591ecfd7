import type { DeviceCredential } from './device-sign-in'

/** What keeps the token secret at rest: Electron's safeStorage in the app, a fake in tests. */
export interface Encryptor {
  /** False when the OS offers no real encryption (then nothing secret is written). */
  isEncryptionAvailable(): boolean
  encryptString(text: string): Buffer
  decryptString(cipher: Buffer): string
}

/** The settings file's `teamServer` record: the token only as ciphertext (base64). */
export interface StoredTeamServer {
  serverUrl: string
  userId?: string
  userName?: string
  tokenId?: string
  tokenCipher?: string
}

export interface TeamServerRecord {
  read(): StoredTeamServer | undefined
  write(value: StoredTeamServer | undefined): void
}

export class KeychainUnavailableError extends Error {
  override name = 'KeychainUnavailableError'
  constructor() {
    super(
      'This computer has no system keychain (on Linux: GNOME Keyring or KWallet), so Greenline cannot keep a sign-in safely. Nothing was saved.',
    )
  }
}

/**
 * The device's team-server sign-in, persisted: server address and user in the clear (the form
 * shows them again), the token only encrypted. Signing out keeps the address and the user, so
 * the next sign-in is quick and the unsent outbox can be matched to the same user.
 */
export class DeviceCredentialStore {
  constructor(
    private readonly record: TeamServerRecord,
    private readonly encryptor: Encryptor,
  ) {}

  /** @throws KeychainUnavailableError (nothing written) when encryption is not available. */
  save(credential: DeviceCredential): void {
    if (!this.encryptor.isEncryptionAvailable()) throw new KeychainUnavailableError()
    this.record.write({
      serverUrl: credential.serverUrl,
      userId: credential.userId,
      userName: credential.userName,
      tokenId: credential.tokenId,
      tokenCipher: this.encryptor.encryptString(credential.token).toString('base64'),
    })
  }

  /** The signed-in credential, or undefined (none, or one this computer's keychain cannot open). */
  load(): DeviceCredential | undefined {
    const stored = this.record.read()
    if (!stored?.tokenCipher || !stored.tokenId || !stored.userId) return undefined
    if (!this.encryptor.isEncryptionAvailable()) return undefined
    try {
      const token = this.encryptor.decryptString(Buffer.from(stored.tokenCipher, 'base64'))
      return {
        serverUrl: stored.serverUrl,
        userId: stored.userId,
        userName: stored.userName ?? stored.userId,
        tokenId: stored.tokenId,
        token,
      }
    } catch {
      return undefined
    }
  }

  /** The last server and user, signed in or not (for the form and for matching the outbox). */
  last(): { serverUrl: string; userId?: string; userName?: string } | undefined {
    const stored = this.record.read()
    return stored ? { serverUrl: stored.serverUrl, userId: stored.userId, userName: stored.userName } : undefined
  }

  /** Drops the token (signed out or refused); the address and the user stay. */
  forgetToken(): void {
    const stored = this.record.read()
    if (!stored) return
    this.record.write({ serverUrl: stored.serverUrl, userId: stored.userId, userName: stored.userName })
  }

  /** Remembers the address typed before any sign-in succeeded. */
  rememberServer(serverUrl: string): void {
    const stored = this.record.read()
    if (stored?.serverUrl === serverUrl) return
    this.record.write({ serverUrl })
  }
}
