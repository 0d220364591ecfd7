import { join } from 'node:path'
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  utilityProcess,
} from 'electron'
import type { EngineOptions } from '../core/engine'
import { connectionIndicator } from '../shared/connection-indicator'
import type { TeamSession } from '../team-client/team-session'
import { createLogger } from '../core/platform/logger'
import { createAppLocation, type AppLocation } from './app-location'
import { showUnreadBadge } from './badge'
import { forwardRendererRequest } from '../team-client/renderer-requests'
import { openDeepLink, openTeamDeepLink } from './deep-link'
import { registerDragOut } from './drag-out'
import { createAppLanguage } from './language'
import { forwardEvents, registerIpc } from './ipc'
import { createMediaHandler, createTeamMediaHandler, handleMediaProtocol } from './media-protocol'
import { createNotifier, type Notifier } from './notifications'
import { createQuickReply, type QuickReply } from './quick-reply'
import { startRuntime, type Runtime } from './runtime'
import { utilityProcessLauncher } from './sandbox-utility-process'
import { SecretVault } from './secrets'
import { secureSession, secureWebContents } from './security'
import { openSettings, type Settings } from './settings'
import { SignedInUser } from './signed-in-user'
import { createDesktopTeamSession, registerTeamServerIpc } from './team-server'
import { forwardTeamEvents, reloadOnTeamSwitch } from './team-mode'
import { createTeamNotifier, teamCounts } from './team-shell'
import { createTray, type TrayController } from './tray'
import { createMainWindow, revealWindow } from './window'

const log = createLogger('desktop')

export interface DesktopOptions {
  userDataDir: string
  rendererDir: string
  preload: string
  resourcesDir: string
  devServerUrl?: string
  env: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
  /** Extra engine options (tests). */
  engine?: Partial<EngineOptions>
}

export interface Desktop {
  runtime: Runtime
  settings: Settings
  vault: SecretVault
  user: SignedInUser
  location: AppLocation
  mainWindow(): BrowserWindow
  tray: TrayController
  notifier: Notifier
  /** The office's team server: sign-in, and the team client while signed in. */
  team: TeamSession
  quickReply: QuickReply
  /** Opens `greenline://contact/<phone>` now, or once someone is signed in. */
  handleDeepLink(url: string): void
  /** Second launch: focus this instance. */
  reveal(): void
  /** Closes windows, drains the scheduler and closes the database. Idempotent. */
  shutdown(): Promise<void>
  isQuitting(): boolean
  setQuitting(): void
}

/** Composes the engine, windows, IPC, tray and notifications once Electron is ready. */
export async function startDesktop(options: DesktopOptions): Promise<Desktop> {
  const platform = options.platform ?? process.platform
  const settings = openSettings({ cwd: options.userDataDir })
  const vault = new SecretVault(settings, safeStorage)
  try {
    vault.absorbPlainSecrets()
  } catch (error) {
    log.warn('plain secrets left in place: no keychain', { error: (error as Error).name })
  }
  const runtime = await startRuntime({
    dataDir: options.userDataDir,
    env: options.env,
    whatsappSettings: settings.whatsapp(),
    secrets: vault.load(),
    launchSandbox: utilityProcessLauncher(utilityProcess),
    engine: options.engine,
  })
  const { engine } = runtime
  const location = createAppLocation({ rendererDir: options.rendererDir, devServerUrl: options.devServerUrl })
  const user = new SignedInUser(settings, engine)
  let quitting = false

  secureSession(session.defaultSession, location)
  app.on('web-contents-created', (_event, contents) => secureWebContents(contents, location, shell))

  const icon = (name: string) => join(options.resourcesDir, name)
  const mainWindowRef = { current: undefined as BrowserWindow | undefined }
  const mainWindow = () => {
    if (!mainWindowRef.current || mainWindowRef.current.isDestroyed()) {
      mainWindowRef.current = createMainWindow({
        BrowserWindow,
        workAreas: () => screen.getAllDisplays().map((display) => display.workArea),
        settings,
        location,
        preload: options.preload,
        icon: icon('icon.png'),
        isQuitting: () => quitting,
      })
    }
    return mainWindowRef.current
  }
  const navigate = (route: string) => {
    const window = mainWindow()
    // Only the hash changes: a same-document navigation, the renderer keeps its state.
    void window.loadURL(location.routeUrl(route))
    revealWindow(window)
  }

  let tray: TrayController | undefined
  const quickReply = createQuickReply({
    BrowserWindow,
    location,
    preload: options.preload,
    anchor: () => tray?.tray.getBounds(),
    workArea: (near) => (near ? screen.getDisplayNearestPoint({ x: near.x, y: near.y }).workArea : undefined),
    // Opened from the tray or a notification, both made after `language` below.
    text: (key, params) => language.text(key, params),
  })

  const team = createDesktopTeamSession({ userDataDir: options.userDataDir, settings, safeStorage, shell, platform })
  // Signed in to a team server, pictures come from it (through the team client's cache), else from the engine.
  const engineMedia = createMediaHandler(engine, () => user.id !== undefined)
  const teamMedia = createTeamMediaHandler(() => team.client)
  handleMediaProtocol(protocol, (request) => (team.client ? teamMedia(request) : engineMedia(request)))
  const unregisterDragOut = registerDragOut({
    ipcMain,
    engine,
    isTrustedSender: (url) => location.isAppUrl(url),
    icon: (path) => nativeImage.createFromPath(path),
    fallbackIcon: () => nativeImage.createFromPath(icon('tray@2x.png')),
    team: () => team.client,
  })
  // The tray, notifications and dialogs speak the window's language (the system's or the Settings choice).
  const language = createAppLanguage({
    ipcMain,
    isTrustedSender: (url) => location.isAppUrl(url),
    systemLanguages: () => app.getPreferredSystemLanguages?.() ?? [],
    stored: () => settings.language(),
    store: (locale) => settings.setLanguage(locale),
    onChange: () => void tray?.refresh(),
  })
  // Signed in to a team server, the renderer's requests go there (as this device's user), else to the engine.
  const unregisterIpc = registerIpc({ ipcMain, engine, user, team, isTrustedSender: (url) => location.isAppUrl(url) })
  const unregisterTeamIpc = registerTeamServerIpc({
    ipcMain,
    session: team,
    isTrustedSender: (url) => location.isAppUrl(url),
    targets: () => [mainWindowRef.current?.webContents],
  })
  const windows = () => [mainWindowRef.current?.webContents, quickReply.window()?.webContents]
  const stopForwarding = forwardEvents(user, windows, team)
  const stopTeamForwarding = forwardTeamEvents(team, windows)

  const overlay = nativeImage.createFromPath(icon('badge.png'))
  const applyLoginItem = (on: boolean) => {
    if (platform === 'darwin' || platform === 'win32') app.setLoginItemSettings({ openAtLogin: on })
  }
  tray = createTray({
    Tray,
    Menu,
    icon: nativeImage.createFromPath(icon(platform === 'darwin' ? 'tray.png' : 'tray@2x.png')),
    engine,
    user,
    text: (key, params) => language.text(key, params),
    doNotDisturb: () => settings.preferences().doNotDisturb,
    startAtLogin: () => settings.preferences().startAtLogin,
    actions: {
      open: () => revealWindow(mainWindow()),
      quickReply: (id) => quickReply.open(id),
      setDoNotDisturb: (on) => {
        settings.setPreference('doNotDisturb', on)
        void tray?.refresh()
      },
      setStartAtLogin: (on) => {
        settings.setPreference('startAtLogin', on)
        applyLoginItem(on)
        void tray?.refresh()
      },
      showLogs: () => {
        // openPath resolves with an error text rather than rejecting.
        void shell.openPath(app.getPath('logs')).then((error) => {
          if (error) log.warn('logs folder not opened', { error })
        })
      },
      quit: () => app.quit(),
      retryTeamNow: () => team.retryNow(),
      openTeamSettings: () => navigate('/settings'),
    },
    teamCounts: () => (team.client ? teamCounts(team.client) : undefined),
    teamConnection: () => connectionIndicator(team.status()),
    onCounts: (counts) => showUnreadBadge({ app, window: mainWindowRef.current, platform, overlay }, counts.unread),
  })
  applyLoginItem(settings.preferences().startAtLogin)

  const notifier = createNotifier({
    Notification,
    engine,
    user,
    platform,
    isAppFocused: () => BrowserWindow.getFocusedWindow() !== null,
    doNotDisturb: () => settings.preferences().doNotDisturb,
    openThread: (id) => navigate(`/messages/${encodeURIComponent(id)}`),
    openQuickReply: (id) => quickReply.open(id),
    text: (key, params) => language.text(key, params),
  })

  const teamNotifier = createTeamNotifier({
    Notification,
    session: team,
    platform,
    isAppFocused: () => BrowserWindow.getFocusedWindow() !== null,
    doNotDisturb: () => settings.preferences().doNotDisturb,
    openThread: (id) => navigate(`/messages/${encodeURIComponent(id)}`),
    openQuickReply: (id) => quickReply.open(id),
    text: (key, params) => language.text(key, params),
  })
  // The tray follows the team client: new events, the outbox, the connection.
  const stopTeamTray = team.on(() => tray?.scheduleRefresh())
  team.resume()
  // Registered after resume: a window opened from here on already talks to the resumed client.
  const stopTeamSwitch = reloadOnTeamSwitch(team, () => {
    for (const contents of windows()) if (contents && !contents.isDestroyed()) contents.reload()
  })

  const pendingLinks: string[] = []
  const handleDeepLink = (url: string) => {
    const client = team.client
    if (client) {
      void openTeamDeepLink(url, {
        request: (channel, payload) => forwardRendererRequest(client, channel, payload),
        defaultRegion: engine.ctx.org.defaultRegion,
        navigate,
      })
      return
    }
    const userId = user.id
    if (!userId) {
      pendingLinks.push(url)
      revealWindow(mainWindow())
      return
    }
    openDeepLink(url, { engine, userId, navigate })
  }
  user.onChange((userId) => {
    if (userId) for (const url of pendingLinks.splice(0)) handleDeepLink(url)
  })

  mainWindow()

  let shuttingDown: Promise<void> | undefined
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      quitting = true
      notifier.dispose()
      teamNotifier.dispose()
      stopTeamTray()
      stopTeamSwitch()
      stopTeamForwarding()
      unregisterTeamIpc()
      team.close()
      tray?.destroy()
      stopForwarding()
      unregisterIpc()
      unregisterDragOut()
      language.dispose()
      user.dispose()
      quickReply.close()
      await runtime.close()
    })())

  return {
    runtime,
    settings,
    vault,
    user,
    location,
    mainWindow,
    tray,
    notifier,
    team,
    quickReply,
    handleDeepLink,
    reveal: () => revealWindow(mainWindow()),
    shutdown,
    isQuitting: () => quitting,
    setQuitting: () => {
      quitting = true
    },
  }
}
