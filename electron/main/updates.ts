import { win32 } from 'node:path'
import { createLogger, type Logger } from '../core/platform/logger'
import type { UpdateSettings } from './settings'

const log = createLogger('updates')

/** Channels a feed publishes (electron-builder writes `<channel>.yml` / `<channel>-mac.yml`). */
export const UPDATE_CHANNELS = ['latest', 'beta'] as const
export type UpdateChannel = (typeof UPDATE_CHANNELS)[number]

/** Where updates come from, or why the app does not look for any. */
export type UpdateFeed =
  | { source: 'settings'; url: string; channel: UpdateChannel }
  | { source: 'built-in'; channel: UpdateChannel }
  | { source: 'none'; reason: string }

/** Thrown for a feed URL or channel that cannot be used; the app starts without updates. */
export class UpdateSettingsError extends Error {
  override name = 'UpdateSettingsError'
}

/**
 * The feed: environment (GREENLINE_UPDATE_URL, GREENLINE_UPDATE_CHANNEL, GREENLINE_UPDATES=off)
 * over the settings file's `updates` over the feed built into the installer (electron-builder's
 * `publish`). Only HTTPS: an update is code the app will run.
 */
export function resolveUpdateFeed(settings: UpdateSettings | undefined, env: NodeJS.ProcessEnv, hasBuiltInFeed: boolean): UpdateFeed {
  if (env.GREENLINE_UPDATES === 'off' || settings?.enabled === false) return { source: 'none', reason: 'turned off by the administrator' }
  const channel = env.GREENLINE_UPDATE_CHANNEL || settings?.channel || 'latest'
  if (!(UPDATE_CHANNELS as readonly string[]).includes(channel)) {
    throw new UpdateSettingsError(`Update channel "${channel}" is not one of ${UPDATE_CHANNELS.join(', ')}`)
  }
  const url = env.GREENLINE_UPDATE_URL || settings?.feedUrl
  if (url) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new UpdateSettingsError(`Update feed "${url}" is not a URL`)
    }
    if (parsed.protocol !== 'https:') throw new UpdateSettingsError(`Update feed "${url}" must use https://`)
    return { source: 'settings', url: parsed.href, channel: channel as UpdateChannel }
  }
  if (hasBuiltInFeed) return { source: 'built-in', channel: channel as UpdateChannel }
  return { source: 'none', reason: 'no update feed configured' }
}

/** The part of electron-updater's `autoUpdater` used here (tests pass a stand-in). */
export interface Updater {
  channel: string | null
  allowDowngrade: boolean
  logger: Pick<Logger, 'info' | 'warn' | 'error'> | null
  setFeedURL(options: { provider: 'generic'; url: string; channel: string }): void
  checkForUpdatesAndNotify(): Promise<unknown>
  on(event: 'error', listener: (error: Error) => void): unknown
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown
}

export interface UpdatesOptions {
  updater: Updater
  settings: UpdateSettings | undefined
  env: NodeJS.ProcessEnv
  /** Only an installed app can update itself. */
  isPackaged: boolean
  /** The installer carries `app-update.yml` (built with a feed URL). */
  hasBuiltInFeed: boolean
  /**
   * Installed per machine by the MSI (`installedByMsi`): electron-updater can only install the
   * NSIS setup, which would put a second, per-user copy beside IT's, so IT's rollout updates it.
   */
  installedByMsi?: boolean
  /** Runs `check` every `ms`; returns a stop function (tests drive it by hand). */
  every?: (ms: number, check: () => void) => () => void
}

export const CHECK_EVERY_MS = 4 * 60 * 60 * 1000

/**
 * Whether this Windows app was installed by the MSI rather than the NSIS setup, which leaves its
 * uninstaller (`Uninstall Greenline.exe`) beside the program; the MSI's uninstall is Windows' own.
 */
export function installedByMsi(platform: NodeJS.Platform, execPath: string, exists: (path: string) => boolean): boolean {
  return platform === 'win32' && !exists(win32.join(win32.dirname(execPath), 'Uninstall Greenline.exe'))
}

/**
 * Points electron-updater at the feed and checks now and every 4 hours. A found update downloads
 * in the background, the user is told by a system notification, and it installs when the app
 * quits. Failures (offline, feed down) are logged and retried at the next check.
 */
export function startUpdates(options: UpdatesOptions): { feed: UpdateFeed; check(): Promise<void>; stop(): void } {
  let feed: UpdateFeed
  try {
    feed = !options.isPackaged
      ? { source: 'none', reason: 'not an installed app' }
      : options.installedByMsi
        ? { source: 'none', reason: 'installed by the MSI: new versions come from IT as a newer MSI' }
        : resolveUpdateFeed(options.settings, options.env, options.hasBuiltInFeed)
  } catch (error) {
    log.error('updates are off: the update settings are invalid', { error })
    feed = { source: 'none', reason: (error as Error).message }
  }
  if (feed.source === 'none') {
    log.info('not looking for updates', { reason: feed.reason })
    return { feed, check: () => Promise.resolve(), stop: () => {} }
  }
  const { updater } = options
  updater.logger = createLogger('electron-updater')
  if (feed.source === 'settings') updater.setFeedURL({ provider: 'generic', url: feed.url, channel: feed.channel })
  updater.channel = feed.channel
  // Setting a channel allows downgrades in electron-updater; a rollout only ever moves forward.
  updater.allowDowngrade = false
  updater.on('error', (error) => log.warn('update check failed', { error }))
  updater.on('update-downloaded', (info) => log.info('update ready, installs on quit', { version: info.version }))
  const check = async () => {
    try {
      await updater.checkForUpdatesAndNotify()
    } catch (error) {
      log.warn('update check failed', { error })
    }
  }
  const every =
    options.every ??
    ((ms, run) => {
      const timer = setInterval(run, ms)
      timer.unref()
      return () => clearInterval(timer)
    })
  const stop = every(CHECK_EVERY_MS, () => void check())
  void check()
  log.info('looking for updates', { source: feed.source, channel: feed.channel, ...(feed.source === 'settings' ? { url: feed.url } : {}) })
  return { feed, check, stop }
}
