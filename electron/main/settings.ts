import Store from 'electron-store'
import type { StoredTeamServer } from '../team-client/device-credential-store'

export interface WindowBounds {
  x?: number
  y?: number
  width: number
  height: number
  maximized?: boolean
}

export interface Preferences {
  /** Closing the window hides it to the tray instead of quitting. */
  closeToTray: boolean
  doNotDisturb: boolean
  startAtLogin: boolean
}

/** Where the app looks for new versions; IT may write this into the settings file (README "Updates"). */
export interface UpdateSettings {
  /** HTTPS folder holding electron-builder's `latest.yml`, `latest-mac.yml` and the installers. */
  feedUrl?: string
  channel?: string
  /** `false` stops the app looking for updates (machines updated by IT's own tools). */
  enabled?: boolean
}

/** What the settings file holds. `secrets` only ever holds safeStorage ciphertext (base64). */
export interface SettingsData {
  windowBounds?: WindowBounds
  preferences: Preferences
  signedInUserId?: string
  /** Non-secret WhatsApp settings (phone number id, WABA id, base URL…), lowest precedence. */
  whatsapp?: Record<string, unknown>
  secrets?: Record<string, string>
  updates?: UpdateSettings
  /** The office's team server and this computer's sign-in to it (the token only as safeStorage ciphertext). */
  teamServer?: StoredTeamServer
  /** The language the window last showed, so the tray and dialogs speak it from the next start. */
  language?: string
}

export const DEFAULT_PREFERENCES: Preferences = { closeToTray: true, doNotDisturb: false, startAtLogin: false }

/** The part of electron-store the shell uses (tests may pass an in-memory stand-in). */
export interface KeyValueStore<T> {
  get<K extends keyof T>(key: K): T[K]
  set<K extends keyof T>(key: K, value: T[K]): void
  delete(key: keyof T): void
  readonly path: string
}

/** Typed access to the desktop settings; every write goes straight to disk (electron-store). */
export class Settings {
  constructor(readonly store: KeyValueStore<SettingsData>) {}

  get path(): string {
    return this.store.path
  }

  preferences(): Preferences {
    return { ...DEFAULT_PREFERENCES, ...this.store.get('preferences') }
  }

  setPreference<K extends keyof Preferences>(key: K, value: Preferences[K]): Preferences {
    const next = { ...this.preferences(), [key]: value }
    this.store.set('preferences', next)
    return next
  }

  windowBounds(): WindowBounds | undefined {
    return this.store.get('windowBounds')
  }

  setWindowBounds(bounds: WindowBounds): void {
    this.store.set('windowBounds', bounds)
  }

  signedInUserId(): string | undefined {
    return this.store.get('signedInUserId')
  }

  setSignedInUserId(userId: string | undefined): void {
    if (userId === undefined) this.store.delete('signedInUserId')
    else this.store.set('signedInUserId', userId)
  }

  whatsapp(): Record<string, unknown> {
    return { ...this.store.get('whatsapp') }
  }

  setWhatsApp(values: Record<string, unknown>): void {
    this.store.set('whatsapp', values)
  }

  encryptedSecrets(): Record<string, string> {
    return { ...this.store.get('secrets') }
  }

  setEncryptedSecrets(secrets: Record<string, string>): void {
    this.store.set('secrets', secrets)
  }

  language(): string | undefined {
    return this.store.get('language')
  }

  setLanguage(locale: string): void {
    this.store.set('language', locale)
  }

  updates(): UpdateSettings {
    return { ...this.store.get('updates') }
  }

  teamServer(): StoredTeamServer | undefined {
    const stored = this.store.get('teamServer')
    return stored ? { ...stored } : undefined
  }

  setTeamServer(value: StoredTeamServer | undefined): void {
    if (value === undefined) this.store.delete('teamServer')
    else this.store.set('teamServer', value)
  }
}

/** Opens (or creates) `<cwd>/greenline-settings.json`; `cwd` defaults to Electron's userData. */
export function openSettings(options: { cwd?: string } = {}): Settings {
  const store = new Store<SettingsData>({
    name: 'greenline-settings',
    ...(options.cwd ? { cwd: options.cwd } : {}),
    defaults: { preferences: DEFAULT_PREFERENCES },
    clearInvalidConfig: true,
  })
  return new Settings(store)
}
