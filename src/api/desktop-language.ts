/**
 * In the desktop app, tells the main process the language the window shows, so native
 * notifications, the tray menu and dialogs speak it too. Nothing in a browser. Its own module:
 * src/i18n calls it, and the API client imports src/i18n.
 */
export function tellDesktopLanguage(locale: string): void {
  window.greenlineDesktop?.setLanguage?.(locale)
}
