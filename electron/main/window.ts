import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle } from 'electron'
import type { AppLocation } from './app-location'
import { secureWebPreferences } from './security'
import type { Settings, WindowBounds } from './settings'

export interface MainWindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow
  /** The displays' work areas, to keep a restored window on screen. */
  workAreas: () => Rectangle[]
  settings: Settings
  location: AppLocation
  preload: string
  icon?: string
  /** True once Quit was chosen: closing then really closes. */
  isQuitting: () => boolean
}

const DEFAULT_SIZE = { width: 1100, height: 760 }

/** The options the main window is created with (exported so tests can assert the security flags). */
export function mainWindowOptions(
  deps: Pick<MainWindowDeps, 'settings' | 'preload' | 'icon' | 'workAreas'>,
): BrowserWindowConstructorOptions {
  const bounds = restorableBounds(deps.settings.windowBounds(), deps.workAreas())
  return {
    ...bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Greenline',
    backgroundColor: '#ffffff',
    ...(deps.icon ? { icon: deps.icon } : {}),
    webPreferences: secureWebPreferences(deps.preload),
  }
}

/** Last bounds when they still intersect a display; otherwise the default size, centred. */
export function restorableBounds(
  saved: WindowBounds | undefined,
  workAreas: Rectangle[],
): { x?: number; y?: number; width: number; height: number } {
  if (!saved || !(saved.width > 0) || !(saved.height > 0)) return { ...DEFAULT_SIZE }
  const size = { width: Math.max(720, saved.width), height: Math.max(480, saved.height) }
  if (saved.x === undefined || saved.y === undefined) return size
  const visible = workAreas.some(
    (area) =>
      saved.x! < area.x + area.width &&
      saved.x! + size.width > area.x &&
      saved.y! < area.y + area.height &&
      saved.y! + size.height > area.y,
  )
  return visible ? { x: saved.x, y: saved.y, ...size } : size
}

/**
 * The main window: restored to its last place, saving its bounds as they change; closing hides
 * it to the tray unless that preference is off or the app is quitting.
 */
export function createMainWindow(deps: MainWindowDeps): BrowserWindow {
  const window = new deps.BrowserWindow(mainWindowOptions(deps))
  if (deps.settings.windowBounds()?.maximized) window.maximize()

  let saveTimer: ReturnType<typeof setTimeout> | undefined
  const saveBounds = () => {
    if (window.isDestroyed() || window.isMinimized()) return
    const maximized = window.isMaximized()
    const bounds = maximized ? { ...deps.settings.windowBounds(), ...pick(window.getNormalBounds()) } : pick(window.getBounds())
    deps.settings.setWindowBounds({ ...bounds, maximized })
  }
  const scheduleSave = () => {
    clearTimeout(saveTimer)
    saveTimer = setTimeout(saveBounds, 400)
  }
  window.on('resize', scheduleSave)
  window.on('move', scheduleSave)
  window.on('close', (event) => {
    clearTimeout(saveTimer)
    saveBounds()
    if (!deps.isQuitting() && deps.settings.preferences().closeToTray) {
      event.preventDefault()
      window.hide()
    }
  })
  window.once('ready-to-show', () => window.show())
  void window.loadURL(deps.location.indexUrl)
  return window
}

/** Shows, restores and focuses a window (second launch, tray, notification click). */
export function revealWindow(window: BrowserWindow): void {
  if (window.isDestroyed()) return
  if (window.isMinimized()) window.restore()
  if (!window.isVisible()) window.show()
  window.focus()
}

function pick(bounds: Rectangle): WindowBounds {
  return { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height }
}
