import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * Where the renderer lives: the built `index.html` as a file URL, or the dev server in
 * development. Every trust decision (IPC senders, navigation, permissions) asks `isAppUrl`.
 */
export interface AppLocation {
  /** The address the main window loads. */
  readonly indexUrl: string
  /** True only for the app's own page (any hash route), never for other files or origins. */
  isAppUrl(url: string | undefined | null): boolean
  /** The app page at a hash route, e.g. `routeUrl('/quick-reply/abc')`. */
  routeUrl(route: string): string
}

export function createAppLocation(options: { rendererDir: string; devServerUrl?: string }): AppLocation {
  const dev = options.devServerUrl ? new URL(options.devServerUrl) : undefined
  const indexUrl = dev ? dev.href : pathToFileURL(join(options.rendererDir, 'index.html')).href
  const indexPath = dev ? undefined : fileURLToPath(indexUrl)

  const isAppUrl = (raw: string | undefined | null): boolean => {
    if (!raw) return false
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      return false
    }
    if (dev) return url.origin === dev.origin
    if (url.protocol !== 'file:' || url.host !== '') return false
    try {
      return fileURLToPath(url) === indexPath
    } catch {
      return false
    }
  }

  return {
    indexUrl,
    isAppUrl,
    routeUrl: (route) => `${indexUrl.split('#')[0]}#${route.startsWith('/') ? route : `/${route}`}`,
  }
}
