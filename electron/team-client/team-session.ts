import { ENGINE_TEXTS, textOfEnglish } from '../shared/api/engine-text'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { TeamServerStatus } from '../shared/api/team-server'
import type { DeviceCredentialStore } from './device-credential-store'
import {
  normalizeServerUrl,
  revokeDeviceToken,
  signInWithBrowser,
  signInWithPassword,
  SignInError,
  type DeviceCredential,
} from './device-sign-in'
import { TeamClient, type TeamClientEvent, type TeamClientOptions } from './team-client'

export interface TeamSessionOptions {
  /** The app's data folder; each server's local store is `team/<hash of its address>` in it. */
  dataDir: string
  credentials: DeviceCredentialStore
  /** Names this computer's token on the server ("Greenline on PRIYA-LAPTOP"). */
  deviceName: string
  /** Opens the system browser (Electron's `shell.openExternal`). */
  openBrowser: (url: string) => Promise<void> | void
  /** Extra trusted certificates (an office's private CA, a test's own authority). */
  ca?: string | Buffer
  /** Passed to each TeamClient (tests: backoff, timers). */
  client?: Partial<Omit<TeamClientOptions, 'serverUrl' | 'token' | 'userId' | 'storeDir'>>
  now?: () => number
}

export type TeamSessionEvent = { type: 'status'; status: TeamServerStatus } | { type: 'client'; event: TeamClientEvent }

const NOT_SIGNED_OUT_ON_SERVER = ENGINE_TEXTS['teamServer.notSignedOutOnServer']

/**
 * The desktop's membership of a team server, in plain Node: signing in (browser or password),
 * the token kept through the injected encryptor, the TeamClient while signed in, and signing
 * out (revoking the token on the server). A token the server refuses signs this computer out;
 * the local store and its unsent outbox stay on disk, bound to that user, for their next sign-in.
 */
export class TeamSession {
  private current: TeamClient | undefined
  private credential: DeviceCredential | undefined
  private message: string | undefined
  private signIn: AbortController | undefined
  /** When the client, offline, tries the server next (its state says "in N ms" as it goes offline). */
  private retryAt: number | undefined
  private readonly listeners = new Set<(event: TeamSessionEvent) => void>()

  constructor(private readonly options: TeamSessionOptions) {}

  /** The TeamClient while signed in (tray, notifications and IPC read through it). */
  get client(): TeamClient | undefined {
    return this.current
  }

  on(listener: (event: TeamSessionEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Resumes the saved sign-in, if any (app start). */
  resume(): TeamServerStatus {
    const saved = this.options.credentials.load()
    if (saved) this.connect(saved)
    return this.status()
  }

  status(): TeamServerStatus {
    const last = this.options.credentials.last()
    const client = this.current
    const state = client?.state
    const connection: TeamServerStatus['connection'] =
      !client || !state || state.status === 'signed-out' || state.status === 'closed'
        ? 'signed-out'
        : state.status === 'online'
          ? 'online'
          : state.status === 'offline'
            ? 'offline'
            : 'connecting'
    const offlineMessage = state?.status === 'offline' ? state.message : undefined
    return {
      ...(last?.serverUrl ? { serverUrl: last.serverUrl } : {}),
      ...(this.credential ? { user: { id: this.credential.userId, name: this.credential.userName } } : {}),
      connection,
      ...((this.message ?? offlineMessage) ? withText(this.message ?? offlineMessage!) : {}),
      ...(connection === 'offline' && this.retryAt !== undefined ? { retryAt: this.retryAt } : {}),
      signingIn: this.signIn !== undefined,
      outbox: client ? client.outboxCounts() : { waiting: 0, failed: 0 },
    }
  }

  /** Sign-in in the system browser; resolves with the status (its `message` says why it failed). */
  signInWithBrowser(serverUrl: string): Promise<TeamServerStatus> {
    return this.signInWith(serverUrl, (url, signal) =>
      signInWithBrowser({
        serverUrl: url,
        deviceName: this.options.deviceName,
        openBrowser: this.options.openBrowser,
        signal,
        ...this.ca(),
      }),
    )
  }

  signInWithPassword(serverUrl: string, userId: string, password: string): Promise<TeamServerStatus> {
    return this.signInWith(serverUrl, (url, signal) =>
      signInWithPassword({ serverUrl: url, userId, password, deviceName: this.options.deviceName, signal, ...this.ca() }),
    )
  }

  cancelSignIn(): void {
    this.signIn?.abort()
  }

  /** Offline: tries the server now (the person pressed "Try now") instead of at `retryAt`. */
  retryNow(): TeamServerStatus {
    this.current?.retryNow()
    return this.status()
  }

  /**
   * Revokes the token on the server, then forgets it here and closes the connection. When the
   * server cannot be reached the computer is signed out anyway and the message says what is left.
   */
  async signOut(): Promise<TeamServerStatus> {
    const credential = this.credential
    this.disconnect({ forgetToken: true })
    this.message = undefined
    if (credential) {
      try {
        await revokeDeviceToken(credential, this.ca())
      } catch {
        this.message = NOT_SIGNED_OUT_ON_SERVER
      }
    }
    return this.changed()
  }

  close(): void {
    this.signIn?.abort()
    this.current?.close()
    this.current = undefined
    this.listeners.clear()
  }

  private async signInWith(
    typed: string,
    run: (serverUrl: string, signal: AbortSignal) => Promise<DeviceCredential>,
  ): Promise<TeamServerStatus> {
    this.signIn?.abort()
    const controller = new AbortController()
    this.signIn = controller
    this.message = undefined
    try {
      const serverUrl = normalizeServerUrl(typed)
      this.options.credentials.rememberServer(serverUrl)
      this.changed()
      const credential = await run(serverUrl, controller.signal)
      // Saved before anything uses it: a keychain that refuses stops here, with nothing connected.
      this.options.credentials.save(credential)
      this.disconnect({ forgetToken: false })
      this.connect(credential)
    } catch (error) {
      this.message = error instanceof SignInError || error instanceof Error ? error.message : String(error)
    } finally {
      if (this.signIn === controller) this.signIn = undefined
    }
    return this.changed()
  }

  private connect(credential: DeviceCredential): void {
    this.credential = credential
    const storeDir = join(this.options.dataDir, 'team', createHash('sha256').update(credential.serverUrl).digest('hex').slice(0, 16))
    const client = new TeamClient({
      ...this.options.client,
      ...this.ca(),
      serverUrl: credential.serverUrl,
      token: credential.token,
      userId: credential.userId,
      storeDir,
    })
    this.current = client
    client.on((event) => {
      if (this.current !== client) return
      if (event.type === 'state') {
        this.retryAt = event.state.status === 'offline' ? (this.options.now ?? Date.now)() + event.state.retryInMs : undefined
      }
      if (event.type === 'state' && event.state.status === 'signed-out') {
        // The server refused the token (revoked elsewhere, user deactivated): signed out here too.
        this.message = event.state.message
        this.disconnect({ forgetToken: true })
      }
      this.emit({ type: 'client', event })
      if (event.type === 'state' || event.type === 'outbox') this.changed()
    })
    client.start()
  }

  private disconnect(options: { forgetToken: boolean }): void {
    const client = this.current
    this.current = undefined
    this.credential = undefined
    if (options.forgetToken) this.options.credentials.forgetToken()
    // The store (and the unsent outbox in it) stays on disk for this user's next sign-in. Closed
    // after the current event: this may run inside the client's own state listener.
    if (client) queueMicrotask(() => client.close())
  }

  private ca(): { ca?: string | Buffer } {
    return this.options.ca ? { ca: this.options.ca } : {}
  }

  private changed(): TeamServerStatus {
    const status = this.status()
    this.emit({ type: 'status', status })
    return status
  }

  private emit(event: TeamSessionEvent): void {
    for (const listener of this.listeners) listener(event)
  }
}

/** The status line in English, and its code when it is a catalogue sentence, so the window can translate it. */
function withText(message: string): { message: string; messageText?: { code: string } } {
  const text = textOfEnglish(message)
  return text ? { message, messageText: text } : { message }
}
