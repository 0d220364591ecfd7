import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createSession, FakeBrowserWindow, FakeWebContents, preventable, resetFakes } from './fake-electron'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { createAppLocation } = await import('../../electron/main/app-location')
const { ALLOWED_PERMISSIONS, CONTENT_SECURITY_POLICY, secureSession, secureWebContents } = await import('../../electron/main/security')
const { openSettings } = await import('../../electron/main/settings')
const { createMainWindow, restorableBounds } = await import('../../electron/main/window')
const { createQuickReply } = await import('../../electron/main/quick-reply')

const rendererDir = join(tmpdir(), 'greenline-renderer')
const location = createAppLocation({ rendererDir })
const indexUrl = pathToFileURL(join(rendererDir, 'index.html')).href

function newWindow(quitting = false) {
  const settings = openSettings({ cwd: mkdtempSync(join(tmpdir(), 'greenline-settings-')) })
  const window = createMainWindow({
    BrowserWindow: FakeBrowserWindow as never,
    workAreas: () => [{ x: 0, y: 0, width: 1920, height: 1040 }],
    settings,
    location,
    preload: '/app/out/preload/index.cjs',
    isQuitting: () => quitting,
  }) as unknown as FakeBrowserWindow
  return { window, settings }
}

beforeEach(() => resetFakes())

describe('main window', () => {
  it('is isolated, sandboxed, without Node, with the CommonJS preload, and loads the app page', () => {
    const { window } = newWindow()
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/out/preload/index.cjs',
    })
    expect(window.loaded).toEqual([indexUrl])
  })

  it('the quick-reply popover gets the same web preferences and loads its renderer route', () => {
    const quickReply = createQuickReply({ BrowserWindow: FakeBrowserWindow as never, location, preload: '/p.cjs' })
    const popover = quickReply.open('c 1') as unknown as FakeBrowserWindow
    expect(popover.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    })
    expect(popover.loaded.at(-1)).toBe(`${indexUrl}#/quick-reply/c%201`)
    expect(location.isAppUrl(popover.loaded.at(-1))).toBe(true)
  })

  it('hides to the tray on close, really closes when quitting or when the preference is off, and saves its bounds', () => {
    const { window, settings } = newWindow()
    window.show()
    window.setBounds({ x: 40, y: 50, width: 1000, height: 700 })
    window.close()
    expect(window.destroyed).toBe(false)
    expect(window.visible).toBe(false)
    expect(settings.windowBounds()).toMatchObject({ x: 40, y: 50, width: 1000, height: 700, maximized: false })

    settings.setPreference('closeToTray', false)
    window.close()
    expect(window.destroyed).toBe(true)

    const quitting = newWindow(true).window
    quitting.close()
    expect(quitting.destroyed).toBe(true)
  })

  it('restores the last bounds only while they are on a display', () => {
    const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }]
    expect(restorableBounds({ x: 100, y: 80, width: 900, height: 600 }, screen)).toEqual({ x: 100, y: 80, width: 900, height: 600 })
    expect(restorableBounds({ x: 5000, y: 80, width: 900, height: 600 }, screen)).toEqual({ width: 900, height: 600 })
    expect(restorableBounds(undefined, screen)).toEqual({ width: 1100, height: 760 })
  })
})

describe('content security policy', () => {
  it('allows scripts only from the app, no eval, no plugins, no framing', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    )
    expect(directives['default-src']).toEqual(["'self'"])
    expect(directives['script-src']).toEqual(["'self'"])
    expect(directives['object-src']).toEqual(["'none'"])
    expect(directives['frame-ancestors']).toEqual(["'none'"])
    expect(directives['img-src']).toContain('greenline-media:')
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval')
  })

  it('the renderer page carries a meta CSP without inline or eval scripts', () => {
    const html = readFileSync(join(process.cwd(), 'src', 'index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBeDefined()
    expect(meta).toContain("script-src 'self'")
    expect(meta).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
  })

  it('is added as a header to the app page, and only permissions for the camera and notifications are granted to it', () => {
    const session = createSession()
    secureSession(session as never, location)
    const callback = vi.fn()
    session.headersReceived({ url: indexUrl, resourceType: 'mainFrame', responseHeaders: {} }, callback)
    expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })

    const decide = (permission: string, url: string) => {
      let granted: boolean | undefined
      session.permissionRequestHandler({ getURL: () => url }, permission, (answer: boolean) => (granted = answer))
      return granted
    }
    expect([...ALLOWED_PERMISSIONS].sort()).toEqual(['media', 'notifications'])
    expect(decide('media', indexUrl)).toBe(true)
    expect(decide('notifications', `${indexUrl}#/messages`)).toBe(true)
    for (const denied of ['geolocation', 'clipboard-read', 'openExternal', 'midi', 'display-capture'])
      expect(decide(denied, indexUrl)).toBe(false)
    expect(decide('media', 'https://evil.example/')).toBe(false)

    // @security checks: another local file shares the "file:///" origin but is not the app.
    const check = (permission: string, url: string | null, origin: string) =>
      session.permissionCheckHandler(url === null ? null : { getURL: () => url }, permission, origin)
    expect(check('media', indexUrl, 'file:///')).toBe(true)
    expect(check('media', 'file:///tmp/other.html', 'file:///')).toBe(false)
    expect(check('notifications', null, 'file:///')).toBe(false)
    expect(check('geolocation', indexUrl, 'file:///')).toBe(false)
  })
})

describe('navigation and new windows', () => {
  it('denies new windows, opening only http(s) links in the browser', () => {
    const contents = new FakeWebContents()
    const shell = { openExternal: vi.fn(() => Promise.resolve()) }
    secureWebContents(contents as never, location, shell)
    expect(contents.windowOpenHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler!({ url: 'smb://share/x' })).toEqual({ action: 'deny' })
    expect(shell.openExternal.mock.calls).toEqual([['https://example.com/docs']])
  })

  it('prevents navigation away from the app page, allows hash routes of it', () => {
    const contents = new FakeWebContents()
    secureWebContents(contents as never, location, { openExternal: vi.fn(() => Promise.resolve()) })
    const navigate = (url: string) => {
      const event = preventable()
      contents.emit('will-navigate', event, url)
      return event.defaultPrevented
    }
    expect(navigate(`${indexUrl}#/contacts`)).toBe(false)
    expect(navigate('https://evil.example/')).toBe(true)
    expect(navigate(pathToFileURL(join(rendererDir, 'other.html')).href)).toBe(true)
    expect(navigate('file:///etc/passwd')).toBe(true)
    const webview = preventable()
    contents.emit('will-attach-webview', webview)
    expect(webview.defaultPrevented).toBe(true)
  })

  it('recognises the dev server by origin only', () => {
    const dev = createAppLocation({ rendererDir, devServerUrl: 'http://localhost:5173/' })
    expect(dev.isAppUrl('http://localhost:5173/#/messages')).toBe(true)
    expect(dev.isAppUrl('http://localhost:5174/')).toBe(false)
    expect(dev.isAppUrl('http://evil.localhost:5173/')).toBe(false)
  })
})
