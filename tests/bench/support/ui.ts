import { chromium, type Browser, type Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startBrowserHost } from '../../../electron/host/app'
import { REPO_ROOT } from './child'

export interface Ui {
  page: Page
  browser: Browser
  /** The host's base address (the page already holds its token cookie). */
  url: string
  close(): Promise<void>
}

/**
 * Real Chromium (/usr/bin/chromium, or GREENLINE_CHROMIUM) on the browser host over `dataDir`,
 * signed in as priya, on the messages screen. Builds the renderer first if out/ has none.
 */
export async function openUi(dataDir: string, log: (line: string) => void): Promise<Ui> {
  const rendererDir = join(REPO_ROOT, 'out', 'renderer')
  if (!existsSync(join(rendererDir, 'index.html'))) {
    log('  building the renderer (npx electron-vite build)…')
    execFileSync('npx', ['electron-vite', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' })
  }
  const host = await startBrowserHost({ dataDir, rendererDir, env: {} })
  let browser: Browser | undefined
  try {
    browser = await chromium.launch({
      executablePath: process.env.GREENLINE_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    })
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    // tsx (esbuild keepNames) wraps functions handed to page.evaluate in __name(); give the page one.
    await page.addInitScript({ content: 'window.__name = (fn) => fn' })
    await page.addInitScript({ content: "localStorage.setItem('greenline.user', 'priya')" })
    await page.goto(host.openUrl)
    await page.getByTestId('nav-messages').waitFor({ state: 'visible', timeout: 20_000 })
    const opened = browser
    return {
      page,
      browser: opened,
      url: host.url,
      async close() {
        await opened.close()
        await host.close()
      },
    }
  } catch (error) {
    await browser?.close()
    await host.close()
    throw error
  }
}

/** Elements in the document, or under the first element matching `selector` (0 when absent). */
export function countNodes(page: Page, selector?: string): Promise<number> {
  return page.evaluate(
    (selector) =>
      selector ? (document.querySelector(selector)?.querySelectorAll('*').length ?? 0) : document.querySelectorAll('*').length,
    selector,
  )
}
