import { hostname } from 'node:os'
import { join } from 'node:path'
import type { IpcMain, IpcMainInvokeEvent, SafeStorage, WebContents } from 'electron'
import { fail, type Result } from '../shared/api/result'
import { TEAM_SERVER_CHANNELS, TEAM_SERVER_EVENT, teamServerChannels, type TeamServerChannel } from '../shared/api/team-server'
import { createLogger } from '../core/platform/logger'
import { DeviceCredentialStore, type Encryptor } from '../team-client/device-credential-store'
import { TeamSession } from '../team-client/team-session'
import type { Settings } from './settings'

const log = createLogger('team-server')

type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>

/**
 * safeStorage as the team client's encryptor. On Linux without a keyring safeStorage "encrypts"
 * with a fixed public password (`basic_text`): that counts as no encryption, as for the secrets.
 */
export function safeStorageEncryptor(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): Encryptor {
  return {
    isEncryptionAvailable: () => {
      if (!safeStorage.isEncryptionAvailable()) return false
      if (platform !== 'linux') return true
      const backend = safeStorage.getSelectedStorageBackend?.()
      return backend !== 'basic_text' && backend !== 'unknown'
    },
    encryptString: (text) => safeStorage.encryptString(text),
    decryptString: (cipher) => safeStorage.decryptString(cipher),
  }
}

export interface DesktopTeamSessionOptions {
  userDataDir: string
  settings: Settings
  safeStorage: SafeStorageLike
  shell: { openExternal(url: string): Promise<void> }
  platform?: NodeJS.Platform
}

/** The team session of this computer: settings file + safeStorage + the system browser. */
export function createDesktopTeamSession(options: DesktopTeamSessionOptions): TeamSession {
  const record = {
    read: () => options.settings.teamServer(),
    write: (value: Parameters<Settings['setTeamServer']>[0]) => options.settings.setTeamServer(value),
  }
  return new TeamSession({
    dataDir: join(options.userDataDir, 'team-server'),
    credentials: new DeviceCredentialStore(record, safeStorageEncryptor(options.safeStorage, options.platform)),
    deviceName: `Greenline on ${hostname()}`.slice(0, 100),
    // Only the team server's own sign-in approval page is ever opened (the session builds the
    // address from the server URL the user typed): parsed, http(s), that one path.
    openBrowser: (url) => {
      const page = new URL(url)
      if (!['http:', 'https:'].includes(page.protocol) || page.pathname !== '/auth/device/authorize') {
        throw new Error('Not the team server’s sign-in page')
      }
      return options.shell.openExternal(page.href)
    },
  })
}

export interface TeamServerIpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  session: Pick<TeamSession, 'status' | 'signInWithBrowser' | 'signInWithPassword' | 'cancelSignIn' | 'signOut' | 'retryNow' | 'on'>
  isTrustedSender: (url: string | undefined) => boolean
  /** The app's live windows, told `event:team:changed` with each new status. */
  targets: () => Array<WebContents | undefined>
}

/**
 * Serves the "Team server" settings channels on `api:team:*`, each checked like the contract's
 * (the app's own page only, payload validated), and pushes status changes to the windows.
 * Returns a function that removes the handlers and the forwarding.
 */
export function registerTeamServerIpc(deps: TeamServerIpcDeps): () => void {
  const run = (channel: TeamServerChannel, payload: unknown): unknown => {
    switch (channel) {
      case 'team:status':
        return deps.session.status()
      case 'team:signIn':
        return deps.session.signInWithBrowser((payload as { serverUrl: string }).serverUrl)
      case 'team:signInPassword': {
        const p = payload as { serverUrl: string; userId: string; password: string }
        return deps.session.signInWithPassword(p.serverUrl, p.userId, p.password)
      }
      case 'team:cancelSignIn':
        deps.session.cancelSignIn()
        return deps.session.status()
      case 'team:signOut':
        return deps.session.signOut()
      case 'team:retryNow':
        return deps.session.retryNow()
    }
  }
  for (const channel of TEAM_SERVER_CHANNELS) {
    deps.ipcMain.handle(`api:${channel}`, async (event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> => {
      let url: string | undefined
      try {
        url = event.senderFrame?.url ?? undefined
      } catch {
        url = undefined
      }
      if (!deps.isTrustedSender(url)) {
        log.warn('request from an untrusted frame refused', { channel })
        return fail('forbidden', 'This page may not use Greenline')
      }
      const parsed = teamServerChannels[channel].safeParse(payload ?? {})
      if (!parsed.success) return fail('invalid', parsed.error.issues[0]?.message ?? 'Invalid request')
      try {
        return { ok: true, value: await run(channel, parsed.data) }
      } catch (error) {
        log.error('team server request failed', { channel, error: String(error) })
        return fail('internal', 'Something went wrong. Try again.')
      }
    })
  }
  const stop = deps.session.on((event) => {
    if (event.type !== 'status') return
    for (const contents of deps.targets()) {
      if (contents && !contents.isDestroyed()) contents.send(`event:${TEAM_SERVER_EVENT}`, event.status)
    }
  })
  return () => {
    stop()
    for (const channel of TEAM_SERVER_CHANNELS) deps.ipcMain.removeHandler(`api:${channel}`)
  }
}
