import type { App, BrowserWindow, NativeImage } from 'electron'

/**
 * The unread count on the dock (macOS, also Linux Unity) or as the taskbar overlay icon
 * (Windows, which has no numeric badge API).
 */
export function showUnreadBadge(
  deps: { app: Pick<App, 'setBadgeCount'>; window?: BrowserWindow; platform: NodeJS.Platform; overlay?: NativeImage },
  unread: number,
): void {
  if (deps.platform === 'win32') {
    if (deps.window && !deps.window.isDestroyed()) {
      deps.window.setOverlayIcon(unread > 0 && deps.overlay ? deps.overlay : null, unread > 0 ? `${unread} unread` : '')
    }
    return
  }
  deps.app.setBadgeCount(unread)
}
