import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { createAppLanguage, LANGUAGE_CHANNEL, startLanguage, startupFailedTitle } = await import('../../electron/main/language')

const APP = 'file:///app/out/renderer/index.html'

/** The main process's language, with an in-memory settings value and the window's IPC messages. */
function language(options: { stored?: string; system?: string[] } = {}) {
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>()
  let stored = options.stored
  const onChange = vi.fn()
  const appLanguage = createAppLanguage({
    ipcMain: { on: (channel: string, listener: never) => listeners.set(channel, listener), removeListener: vi.fn() } as never,
    isTrustedSender: (url) => url === APP,
    systemLanguages: () => options.system ?? ['en-US'],
    stored: () => stored,
    store: (locale) => (stored = locale),
    onChange,
  })
  const windowSays = (locale: unknown, url = APP) => listeners.get(LANGUAGE_CHANNEL)!({ senderFrame: { url } }, locale)
  return { appLanguage, windowSays, onChange, stored: () => stored }
}

describe('the desktop app’s language outside the window', () => {
  it('starts in the system’s language the way the window picks it, before any window exists', () => {
    expect(startLanguage(undefined, ['pt-PT', 'en'])).toBe('pt-BR')
    expect(startLanguage(undefined, ['ja-JP'])).toBe('en')
    expect(language({ system: ['de-AT'] }).appLanguage.text('startup.failed')).toBe('Greenline konnte nicht starten')
  })

  it('follows the window’s Settings choice at once and keeps it for the next start', () => {
    const { appLanguage, windowSays, onChange, stored } = language({ system: ['en-US'] })
    windowSays('fr')
    expect(appLanguage.text('notification.replyNotSent')).toBe('Réponse non envoyée')
    expect(onChange).toHaveBeenCalledWith('fr')
    expect(stored()).toBe('fr')
    expect(language({ stored: stored(), system: ['en-US'] }).appLanguage.text('tray.quit')).toBe('Quitter Greenline')
  })

  it('ignores other frames and languages Greenline does not ship', () => {
    const { appLanguage, windowSays, onChange } = language({ system: ['es-MX'] })
    windowSays('de', 'https://evil.example/')
    windowSays('ja')
    windowSays({ toString: () => 'de' })
    expect(appLanguage.locale()).toBe('es')
    expect(appLanguage.text('tray.open')).toBe('Abrir Greenline')
    expect(onChange).not.toHaveBeenCalled()
  })

  it('titles the startup error box in the last window’s language, or the system’s when the settings cannot be read', () => {
    expect(startupFailedTitle(() => 'fr', ['de-DE'])).toBe('Greenline n’a pas pu démarrer')
    expect(
      startupFailedTitle(() => {
        throw new Error('settings file unreadable')
      }, ['pt-BR']),
    ).toBe('O Greenline não conseguiu iniciar')
    expect(startupFailedTitle(() => undefined, [])).toBe('Greenline could not start')
  })
})
