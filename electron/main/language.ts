import type { IpcMain, IpcMainEvent } from 'electron'
import { isShippedLocale, pickLocale, type ShippedLocale } from '../shared/locale-choice'
import { nativeText, type NativeTextKey } from '../shared/native-texts'

/** The IPC message the preload sends with the language the window is showing. */
export const LANGUAGE_CHANNEL = 'app:language'

export interface LanguageDeps {
  ipcMain: Pick<IpcMain, 'on' | 'removeListener'>
  isTrustedSender: (url: string | undefined) => boolean
  /** The system's languages, most wanted first (`app.getPreferredSystemLanguages()`). */
  systemLanguages: () => readonly string[]
  /** The language the window last showed, kept in the settings file for the next start. */
  stored: () => string | undefined
  store: (locale: ShippedLocale) => void
  /** The language changed: rebuild what shows text (the tray menu). */
  onChange?: (locale: ShippedLocale) => void
}

export interface AppLanguage {
  locale(): ShippedLocale
  text(key: NativeTextKey, params?: Record<string, string | number>): string
  dispose(): void
}

/**
 * The language of the last window, else the system's — what the window itself would pick. Usable
 * before any window exists (the startup error box).
 */
export function startLanguage(stored: string | undefined, systemLanguages: readonly string[]): ShippedLocale {
  return isShippedLocale(stored) ? stored : pickLocale(systemLanguages)
}

/**
 * The main process speaks the window's language: the window (which follows the system or the
 * Settings choice) tells main each language it switches to; main keeps the last one for the next
 * start. Messages from other frames, and languages Greenline does not ship, are ignored.
 */
export function createAppLanguage(deps: LanguageDeps): AppLanguage {
  let current = startLanguage(deps.stored(), deps.systemLanguages())
  const listener = (event: IpcMainEvent, locale: unknown) => {
    let url: string | undefined
    try {
      url = event.senderFrame?.url
    } catch {
      url = undefined
    }
    if (!deps.isTrustedSender(url) || !isShippedLocale(locale) || locale === current) return
    current = locale
    deps.store(locale)
    deps.onChange?.(locale)
  }
  deps.ipcMain.on(LANGUAGE_CHANNEL, listener)
  return {
    locale: () => current,
    text: (key, params) => nativeText(current, key, params),
    dispose: () => deps.ipcMain.removeListener(LANGUAGE_CHANNEL, listener),
  }
}

/**
 * The startup error box's title, before (or without) a window: the last window's language when
 * the settings file can be read, else the system's.
 */
export function startupFailedTitle(stored: () => string | undefined, systemLanguages: readonly string[]): string {
  let last: string | undefined
  try {
    last = stored()
  } catch {
    last = undefined
  }
  return nativeText(startLanguage(last, systemLanguages), 'startup.failed')
}
