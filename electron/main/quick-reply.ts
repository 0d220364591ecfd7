import { englishText, type NativeText } from '../shared/native-texts'
import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle } from 'electron'
import type { AppLocation } from './app-location'
import { secureWebPreferences } from './security'

export interface QuickReplyDeps {
  /** Texts in the window's language (English when not given). */
  text?: NativeText
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow
  location: AppLocation
  preload: string
  /** Where the tray icon is (the popover opens next to it), when the platform knows. */
  anchor?: () => Rectangle | undefined
  /** The work area of the display nearest the anchor. */
  workArea?: (near: Rectangle | undefined) => Rectangle | undefined
}

export interface QuickReply {
  /** Opens the popover on one conversation, or on the unread list without an id. */
  open(conversationId?: string): BrowserWindow
  window(): BrowserWindow | undefined
  close(): void
}

export const POPOVER_SIZE = { width: 380, height: 520 }

export function quickReplyRoute(conversationId?: string): string {
  return conversationId ? `/quick-reply/${encodeURIComponent(conversationId)}` : '/quick-reply'
}

/** The quick-reply popover: a small frameless window on the renderer route `#/quick-reply/<id>`. */
export function createQuickReply(deps: QuickReplyDeps): QuickReply {
  let popover: BrowserWindow | undefined

  const create = () => {
    const window = new deps.BrowserWindow({
      ...POPOVER_SIZE,
      show: false,
      frame: false,
      resizable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      skipTaskbar: true,
      alwaysOnTop: true,
      title: (deps.text ?? englishText)('quickReply.title'),
      webPreferences: secureWebPreferences(deps.preload),
    })
    window.on('blur', () => {
      if (!window.isDestroyed()) window.hide()
    })
    window.on('closed', () => {
      if (popover === window) popover = undefined
    })
    return window
  }

  return {
    open(conversationId) {
      if (!popover || popover.isDestroyed()) popover = create()
      const anchor = deps.anchor?.()
      const position = popoverPosition(anchor, deps.workArea?.(anchor))
      if (position) popover.setPosition(position.x, position.y)
      void popover.loadURL(deps.location.routeUrl(quickReplyRoute(conversationId)))
      popover.show()
      popover.focus()
      return popover
    },
    window: () => (popover && !popover.isDestroyed() ? popover : undefined),
    close() {
      if (popover && !popover.isDestroyed()) popover.destroy()
      popover = undefined
    },
  }
}

/** Below a tray at the top of the screen, above one at the bottom; kept inside the work area. */
export function popoverPosition(anchor: Rectangle | undefined, area: Rectangle | undefined): { x: number; y: number } | undefined {
  if (!anchor || !area || anchor.width === 0) return undefined
  const x = Math.round(anchor.x + anchor.width / 2 - POPOVER_SIZE.width / 2)
  const below = anchor.y < area.y + area.height / 2
  const y = below ? anchor.y + anchor.height + 4 : anchor.y - POPOVER_SIZE.height - 4
  return {
    x: Math.min(Math.max(x, area.x), area.x + area.width - POPOVER_SIZE.width),
    y: Math.min(Math.max(y, area.y), area.y + area.height - POPOVER_SIZE.height),
  }
}
