import { test as base, expect, type Page } from '@playwright/test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startBrowserHost, type BrowserHost, type BrowserHostOptions } from '../../electron/host/app'
import type { RequestChannel, RequestOf, ValueOf } from '../../electron/shared/api/contract'

export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url))

export interface Greenline {
  host: BrowserHost
  url: string
  sandboxUrl: string
  /** Opens Greenline in `page` (token in the address, traded for a cookie) signed in as `userId`. */
  open(page: Page, userId?: string): Promise<void>
  /** Calls the sandbox's control API (the simulated WhatsApp users). */
  sandbox<T = any>(path: string, body?: unknown): Promise<T>
  /** Restarts the host on the same data folder (and port). */
  restart(): Promise<void>
}

/** Starts a browser host with its own data folder; `hostOptions` adds engine or org settings. */
export async function launchGreenline(hostOptions: Partial<BrowserHostOptions> = {}): Promise<Greenline> {
  const dataDir = hostOptions.dataDir ?? mkdtempSync(join(tmpdir(), 'greenline-e2e-'))
  const options: BrowserHostOptions = { dataDir, rendererDir: RENDERER_DIR, env: {}, ...hostOptions }
  let host = await startBrowserHost(options)
  const greenline: Greenline = {
    get host() {
      return host
    },
    get url() {
      return host.url
    },
    get sandboxUrl() {
      return host.sandbox!.url
    },
    async open(page, userId = 'priya') {
      await page.addInitScript((id) => localStorage.setItem('greenline.user', id), userId)
      await page.goto(host.openUrl)
      await expect(page.getByTestId('nav-messages')).toBeVisible()
    },
    async sandbox(path, body) {
      const response = await fetch(
        `${host.sandbox!.url}${path}`,
        body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
      )
      if (!response.ok) throw new Error(`sandbox ${path}: HTTP ${response.status} ${await response.text()}`)
      return response.json()
    },
    async restart() {
      const port = host.host.port
      await host.close()
      host = await startBrowserHost({ ...options, port, token: host.token })
    },
  }
  return greenline
}

/** `greenline`: a fresh host (own data folder and sandbox) for each test. */
export const test = base.extend<{ greenline: Greenline }>({
  // Playwright reads the fixture's dependencies from this destructuring: none.
  // eslint-disable-next-line no-empty-pattern
  greenline: async ({}, use) => {
    const greenline = await launchGreenline()
    await use(greenline)
    await greenline.host.close()
  },
})

/** A contract request straight to the engine as `userId`, for a test's setup and checks (not through the window). */
export async function api<C extends RequestChannel>(
  greenline: Greenline,
  userId: string,
  channel: C,
  payload: RequestOf<C>,
): Promise<ValueOf<C>> {
  const result = await greenline.host.engine.dispatch({ userId }, channel, payload)
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`)
  return result.value as ValueOf<C>
}

export { expect }
