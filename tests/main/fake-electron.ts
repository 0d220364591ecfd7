import { spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { vi } from 'vitest'

/**
 * An in-memory stand-in for the parts of `electron` the main process uses. Tests mock the module:
 * `vi.mock('electron', async () => (await import('./fake-electron')).electronModule())`.
 */

type Prevented = { defaultPrevented: boolean; preventDefault(): void }
export const preventable = (): Prevented => {
  const event = {
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true
    },
  }
  return event
}

export class FakeWebContents extends EventEmitter {
  url = ''
  readonly sent: Array<[string, unknown]> = []
  destroyed = false
  windowOpenHandler?: (details: { url: string }) => { action: 'deny' | 'allow' }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }) {
    this.windowOpenHandler = handler
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload])
  }
  isDestroyed() {
    return this.destroyed
  }
  getURL() {
    return this.url
  }
  /** Counted: a window told to start over (team mode switching who answers it). */
  reloads = 0
  reload() {
    this.reloads++
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = []
  static focused: FakeBrowserWindow | null = null
  static getFocusedWindow() {
    return FakeBrowserWindow.focused
  }
  readonly webContents = new FakeWebContents()
  readonly loaded: string[] = []
  visible = false
  destroyed = false
  maximized = false
  overlay: { image: unknown; description: string } | undefined
  position: [number, number] | undefined
  bounds: { x: number; y: number; width: number; height: number }

  constructor(readonly options: Record<string, any>) {
    super()
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 }
    FakeBrowserWindow.instances.push(this)
  }
  loadURL(url: string) {
    this.loaded.push(url)
    this.webContents.url = url
    return Promise.resolve()
  }
  show() {
    this.visible = true
  }
  hide() {
    this.visible = false
  }
  focus() {}
  isVisible() {
    return this.visible
  }
  isMinimized() {
    return false
  }
  restore() {}
  isMaximized() {
    return this.maximized
  }
  maximize() {
    this.maximized = true
  }
  getBounds() {
    return { ...this.bounds }
  }
  getNormalBounds() {
    return { ...this.bounds }
  }
  setBounds(bounds: Partial<FakeBrowserWindow['bounds']>) {
    this.bounds = { ...this.bounds, ...bounds }
    this.emit('resize')
  }
  setPosition(x: number, y: number) {
    this.position = [x, y]
  }
  setOverlayIcon(image: unknown, description: string) {
    this.overlay = { image, description }
  }
  isDestroyed() {
    return this.destroyed
  }
  destroy() {
    this.destroyed = true
    this.webContents.destroyed = true
    this.emit('closed')
  }
  /** Like a user closing the window: listeners may prevent it. */
  close() {
    const event = preventable()
    this.emit('close', event)
    if (!event.defaultPrevented) this.destroy()
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = []
  tooltip = ''
  menu: { template: any[] } | undefined
  destroyed = false
  constructor(readonly image: unknown) {
    super()
    FakeTray.instances.push(this)
  }
  setToolTip(text: string) {
    this.tooltip = text
  }
  setContextMenu(menu: { template: any[] }) {
    this.menu = menu
  }
  getBounds() {
    return { x: 1000, y: 0, width: 22, height: 22 }
  }
  destroy() {
    this.destroyed = true
  }
  /** A menu item by id (throws when missing). */
  item(id: string) {
    const found = this.menu?.template.find((entry) => entry.id === id)
    if (!found) throw new Error(`No tray menu item ${id}`)
    return found
  }
}

export const FakeMenu = { buildFromTemplate: (template: any[]) => ({ template }) }

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = []
  static isSupported = () => true
  shown = false
  closed = false
  constructor(readonly options: Record<string, any>) {
    super()
    FakeNotification.instances.push(this)
  }
  show() {
    this.shown = true
  }
  close() {
    this.closed = true
    this.emit('close')
  }
}

export type IpcHandler = (event: { senderFrame: { url: string } | null }, payload: unknown) => Promise<unknown>

export function createIpcMain() {
  const handlers = new Map<string, IpcHandler>()
  return {
    handlers,
    handle: vi.fn((channel: string, handler: IpcHandler) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
      handlers.set(channel, handler)
    }),
    removeHandler: vi.fn((channel: string) => void handlers.delete(channel)),
    on: vi.fn(),
    removeListener: vi.fn(),
    /** Calls a handler as a frame at `frameUrl` would (null: a destroyed frame). */
    invoke(channel: string, frameUrl: string | null, payload: unknown = {}) {
      const handler = handlers.get(channel)
      if (!handler) throw new Error(`No handler registered for '${channel}'`)
      return handler({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, payload)
    },
  }
}

/** Reversible, clearly-not-plain "encryption" so tests can see what reached the store. */
export function createSafeStorage(available = true) {
  return {
    isEncryptionAvailable: vi.fn(() => available),
    encryptString: vi.fn((plain: string) => Buffer.from(`v10:${Buffer.from(plain, 'utf8').toString('hex').split('').reverse().join('')}`)),
    decryptString: vi.fn((cipher: Buffer) => {
      const text = cipher.toString('utf8')
      if (!text.startsWith('v10:')) throw new Error('not encrypted by this keychain')
      return Buffer.from(text.slice(4).split('').reverse().join(''), 'hex').toString('utf8')
    }),
  }
}

export function createSession() {
  const session = {
    permissionRequestHandler: undefined as any,
    permissionCheckHandler: undefined as any,
    headersReceived: undefined as any,
    setPermissionRequestHandler: (handler: any) => (session.permissionRequestHandler = handler),
    setPermissionCheckHandler: (handler: any) => (session.permissionCheckHandler = handler),
    webRequest: { onHeadersReceived: (handler: any) => (session.headersReceived = handler) },
  }
  return session
}

const userData = mkdtempSync(join(tmpdir(), 'greenline-fake-userdata-'))

export function createApp() {
  const app = new EventEmitter() as EventEmitter & Record<string, any>
  Object.assign(app, {
    getPath: vi.fn(() => userData),
    getVersion: () => '0.1.0',
    getAppPath: () => process.cwd(),
    isPackaged: false,
    setBadgeCount: vi.fn(() => true),
    setLoginItemSettings: vi.fn(),
    setAsDefaultProtocolClient: vi.fn(() => true),
    requestSingleInstanceLock: vi.fn(() => true),
    quit: vi.fn(),
    exit: vi.fn(),
    whenReady: () => Promise.resolve(),
  })
  return app
}

/** The mocked module: named exports plus `default` (electron-store imports the default). */
export function electronModule() {
  const module = {
    app: createApp(),
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Menu: FakeMenu,
    Notification: FakeNotification,
    ipcMain: createIpcMain(),
    safeStorage: createSafeStorage(),
    session: { defaultSession: createSession() },
    shell: { openExternal: vi.fn(() => Promise.resolve()), openPath: vi.fn((_path: string) => Promise.resolve('')) },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    nativeImage: { createFromPath: (path: string) => ({ path, isEmpty: () => false }) },
    screen: {
      getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
      getDisplayNearestPoint: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
    },
    dialog: { showErrorBox: vi.fn() },
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: { invoke: vi.fn(), send: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
    // A utility process is Electron's Node child: here, plain Node with the same script and flags.
    utilityProcess: {
      fork: vi.fn((modulePath: string, args: string[] = [], options: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}) =>
        spawn(process.execPath, [...(options.execArgv ?? []), modulePath, ...args], {
          env: options.env,
          stdio: ['ignore', 'pipe', 'inherit'],
        }),
      ),
    },
  }
  return { ...module, default: module }
}

export function resetFakes() {
  FakeBrowserWindow.instances = []
  FakeBrowserWindow.focused = null
  FakeTray.instances = []
  FakeNotification.instances = []
  FakeNotification.isSupported = () => true
}
