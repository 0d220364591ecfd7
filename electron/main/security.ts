import type { Session, Shell, WebContents, WebPreferences } from 'electron'
import { createLogger } from '../core/platform/logger'
import type { AppLocation } from './app-location'

const log = createLogger('security')

/** The app page's policy; the renderer's meta tag says the same, this header also covers the dev server. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data: greenline-media:",
  "media-src 'self' blob: mediastream: greenline-media:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Permissions a Greenline page may get: the camera (taking a picture) and notifications. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['media', 'notifications'])

/** Every Greenline window uses these; the preload is the only bridge to the main process. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: true,
  }
}

/** Opens a link in the user's browser, only for http(s). */
export function openExternally(shell: Pick<Shell, 'openExternal'>, url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false
  void shell.openExternal(parsed.href)
  return true
}

/**
 * Denies new windows (http(s) links go to the browser instead), navigation away from the app
 * page, and `<webview>`. Applied to every web contents the app creates.
 */
export function secureWebContents(contents: WebContents, location: AppLocation, shell: Pick<Shell, 'openExternal'>): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(shell, url)
    return { action: 'deny' }
  })
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (location.isAppUrl(url)) return
    event.preventDefault()
    if (!openExternally(shell, url)) log.warn('navigation blocked', { protocol: safeProtocol(url) })
  }
  contents.on('will-navigate', guard)
  contents.on('will-redirect', guard)
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** Permission handlers (only camera + notifications, only for the app page) and the CSP header. */
export function secureSession(session: Session, location: AppLocation): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && location.isAppUrl(contents.getURL()))
  })
  // A file:// page's origin is just "file:///", shared by every local file: the decision is made on
  // the asking page's full address instead, never on that origin.
  session.setPermissionCheckHandler((contents, permission, requestingOrigin) => {
    if (!ALLOWED_PERMISSIONS.has(permission)) return false
    if (contents) return location.isAppUrl(contents.getURL())
    return requestingOrigin !== 'file:///' && location.isAppUrl(requestingOrigin)
  })
  session.webRequest.onHeadersReceived((details, callback) => {
    if (details.resourceType !== 'mainFrame' || !location.isAppUrl(details.url)) return callback({})
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol
  } catch {
    return 'invalid'
  }
}
