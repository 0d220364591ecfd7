import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { Updater } from '../../electron/main/updates'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { openSettings } = await import('../../electron/main/settings')
const { CHECK_EVERY_MS, installedByMsi, resolveUpdateFeed, startUpdates } = await import('../../electron/main/updates')

/** electron-updater's autoUpdater as far as Greenline drives it. */
function fakeUpdater() {
  const listeners = new Map<string, (value: never) => void>()
  const updater = {
    channel: null as string | null,
    allowDowngrade: true,
    logger: null,
    setFeedURL: vi.fn(),
    checkForUpdatesAndNotify: vi.fn(() => Promise.resolve(null)),
    on: vi.fn((event: string, listener: (value: never) => void) => listeners.set(event, listener)),
  }
  return { updater: updater as Updater & typeof updater, listeners }
}

/** A settings file as IT writes it, read back the way the app reads it. */
function settingsFile(updates: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'greenline-updates-'))
  writeFileSync(join(dir, 'greenline-settings.json'), JSON.stringify({ updates }))
  return openSettings({ cwd: dir })
}

describe('updates', () => {
  it('take the feed URL and channel from the settings file and check now and every 4 hours', async () => {
    const settings = settingsFile({ feedUrl: 'https://updates.example-office.com/greenline/', channel: 'beta' })
    const { updater } = fakeUpdater()
    const timers: Array<{ ms: number; run: () => void }> = []
    const updates = startUpdates({
      updater,
      settings: settings.updates(),
      env: {},
      isPackaged: true,
      hasBuiltInFeed: true,
      every: (ms, run) => {
        timers.push({ ms, run })
        return () => {}
      },
    })
    expect(updates.feed).toEqual({ source: 'settings', url: 'https://updates.example-office.com/greenline/', channel: 'beta' })
    expect(updater.setFeedURL).toHaveBeenCalledWith({
      provider: 'generic',
      url: 'https://updates.example-office.com/greenline/',
      channel: 'beta',
    })
    expect(updater.channel).toBe('beta')
    expect(updater.allowDowngrade).toBe(false)
    expect(updater.checkForUpdatesAndNotify).toHaveBeenCalledTimes(1)
    expect(timers.map((timer) => timer.ms)).toEqual([CHECK_EVERY_MS])
    timers[0].run()
    expect(updater.checkForUpdatesAndNotify).toHaveBeenCalledTimes(2)
  })

  it('let the environment override the settings, and fall back to the feed built into the installer', () => {
    const settings = { feedUrl: 'https://a.example.com/', channel: 'beta' }
    expect(
      resolveUpdateFeed(settings, { GREENLINE_UPDATE_URL: 'https://b.example.com/feed', GREENLINE_UPDATE_CHANNEL: 'latest' }, false),
    ).toEqual({
      source: 'settings',
      url: 'https://b.example.com/feed',
      channel: 'latest',
    })
    expect(resolveUpdateFeed({}, {}, true)).toEqual({ source: 'built-in', channel: 'latest' })
    expect(resolveUpdateFeed({}, {}, false)).toEqual({ source: 'none', reason: 'no update feed configured' })
    expect(resolveUpdateFeed({ enabled: false, feedUrl: 'https://a.example.com/' }, {}, true)).toMatchObject({ source: 'none' })
    expect(resolveUpdateFeed(settings, { GREENLINE_UPDATES: 'off' }, true)).toMatchObject({ source: 'none' })
  })

  it('refuse a plain-HTTP feed or an unknown channel with a clear reason, and do not check', () => {
    expect(() => resolveUpdateFeed({ feedUrl: 'http://updates.example.com/' }, {}, true)).toThrow(
      'Update feed "http://updates.example.com/" must use https://',
    )
    expect(() => resolveUpdateFeed({ channel: 'nightly' }, {}, true)).toThrow('Update channel "nightly" is not one of latest, beta')
    const { updater } = fakeUpdater()
    const updates = startUpdates({
      updater,
      settings: settingsFile({ feedUrl: 'http://updates.example.com/' }).updates(),
      env: {},
      isPackaged: true,
      hasBuiltInFeed: true,
    })
    expect(updates.feed).toEqual({ source: 'none', reason: 'Update feed "http://updates.example.com/" must use https://' })
    expect(updater.checkForUpdatesAndNotify).not.toHaveBeenCalled()
  })

  it('leave an MSI install to IT’s rollout even with a feed configured, so no second per-user copy appears', () => {
    const { updater } = fakeUpdater()
    const updates = startUpdates({
      updater,
      settings: { feedUrl: 'https://updates.example-office.com/greenline/' },
      env: {},
      isPackaged: true,
      hasBuiltInFeed: true,
      installedByMsi: true,
    })
    expect(updates.feed).toMatchObject({ source: 'none', reason: expect.stringContaining('installed by the MSI') })
    expect(updater.checkForUpdatesAndNotify).not.toHaveBeenCalled()

    // The NSIS setup leaves its uninstaller beside the program; the MSI does not.
    const exists = (path: string) => path === 'C:\\Users\\ana\\AppData\\Local\\Programs\\Greenline\\Uninstall Greenline.exe'
    expect(installedByMsi('win32', 'C:\\Users\\ana\\AppData\\Local\\Programs\\Greenline\\Greenline.exe', exists)).toBe(false)
    expect(installedByMsi('win32', 'C:\\Program Files\\Greenline\\Greenline.exe', exists)).toBe(true)
    expect(installedByMsi('darwin', '/Applications/Greenline.app/Contents/MacOS/Greenline', exists)).toBe(false)
  })

  it('do nothing in an app run from source, and survive a failed check', async () => {
    const idle = fakeUpdater()
    expect(startUpdates({ updater: idle.updater, settings: {}, env: {}, isPackaged: false, hasBuiltInFeed: true }).feed).toEqual({
      source: 'none',
      reason: 'not an installed app',
    })
    expect(idle.updater.checkForUpdatesAndNotify).not.toHaveBeenCalled()

    const failing = fakeUpdater()
    failing.updater.checkForUpdatesAndNotify.mockRejectedValue(new Error('getaddrinfo ENOTFOUND updates.example.com'))
    const updates = startUpdates({
      updater: failing.updater,
      settings: {},
      env: {},
      isPackaged: true,
      hasBuiltInFeed: true,
      every: () => () => {},
    })
    await expect(updates.check()).resolves.toBeUndefined()
    expect(failing.updater.setFeedURL).not.toHaveBeenCalled() // the built-in feed is used as built
  })
})
