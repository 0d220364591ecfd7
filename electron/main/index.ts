import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, crashReporter, dialog, protocol } from 'electron'
import electronUpdater from 'electron-updater'
import { createLogger } from '../core/platform/logger'
import { DEEP_LINK_SCHEME, deepLinkFromArgv } from './deep-link'
import { startDesktop, type Desktop } from './desktop-app'
import { startDesktopLogging } from './logging'
import { registerMediaScheme } from './media-protocol'
import { startupFailedTitle } from './language'
import { openSettings } from './settings'
import { installedByMsi, startUpdates } from './updates'

/**
 * The composition root of the desktop app: single instance, deep links, then `startDesktop`
 * once Electron is ready; Quit drains the outbox scheduler before the process exits.
 */
const log = createLogger('main')
const here = fileURLToPath(new URL('.', import.meta.url))

if (process.env.GREENLINE_USER_DATA_DIR) app.setPath('userData', process.env.GREENLINE_USER_DATA_DIR)
// Before anything else can fail: the log file and the crash reporter.
const logging = startDesktopLogging({ app, crashReporter, env: process.env })
registerMediaScheme(protocol)
if (process.platform === 'win32') app.setAppUserModelId('com.greenline.desktop')

if (process.defaultApp && process.argv[1]) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(process.argv[1])])
else app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME)

let desktop: Desktop | undefined
const earlyLinks: string[] = []
const openLink = (url: string) => {
  if (desktop) desktop.handleDeepLink(url)
  else earlyLinks.push(url)
}

if (!app.requestSingleInstanceLock()) {
  // Another Greenline is running: it receives our argv (and deep link) through 'second-instance'.
  app.quit()
} else {
  const firstLink = deepLinkFromArgv(process.argv)
  if (firstLink) earlyLinks.push(firstLink)

  app.on('second-instance', (_event, argv) => {
    desktop?.reveal()
    const link = deepLinkFromArgv(argv)
    if (link) openLink(link)
  })
  // macOS delivers deep links here, possibly before the app is ready.
  app.on('open-url', (event, url) => {
    event.preventDefault()
    openLink(url)
  })
  app.on('activate', () => desktop?.reveal())
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' && !desktop?.settings.preferences().closeToTray) app.quit()
  })

  let drained = false
  app.on('before-quit', (event) => {
    desktop?.setQuitting()
    if (drained || !desktop) return
    event.preventDefault()
    void desktop
      .shutdown()
      .catch((error: unknown) => log.error('shutdown failed', { error: String(error) }))
      .finally(() => {
        drained = true
        app.quit()
      })
  })

  app
    .whenReady()
    .then(async () => {
      await logging
      desktop = await startDesktop({
        userDataDir: app.getPath('userData'),
        rendererDir: join(here, '..', 'renderer'),
        preload: join(here, '..', 'preload', 'index.cjs'),
        resourcesDir: join(app.getAppPath(), 'resources'),
        devServerUrl: !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined,
        env: process.env,
      })
      for (const url of earlyLinks.splice(0)) desktop.handleDeepLink(url)
      startUpdates({
        updater: electronUpdater.autoUpdater,
        settings: desktop.settings.updates(),
        env: process.env,
        isPackaged: app.isPackaged,
        hasBuiltInFeed: existsSync(join(process.resourcesPath, 'app-update.yml')),
        installedByMsi: installedByMsi(process.platform, process.execPath, existsSync),
      })
    })
    .catch((error: unknown) => {
      log.error('start failed', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })
      dialog.showErrorBox(
        startupFailedTitle(
          () => desktop?.settings.language() ?? openSettings({ cwd: app.getPath('userData') }).language(),
          app.getPreferredSystemLanguages(),
        ),
        error instanceof Error ? error.message : String(error),
      )
      app.exit(1)
    })
}
