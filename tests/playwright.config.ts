import { defineConfig } from '@playwright/test'
import { existsSync } from 'node:fs'

// Debian's Chromium when present (npm test finds or installs one); else Playwright's own browser.
const chromium = process.env.GREENLINE_CHROMIUM || ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p))

// The engine and servers run inside the test workers: their info lines would bury Playwright's
// report (errors still print).
process.env.GREENLINE_LOG ??= 'silent'

/** End-to-end tests in real Chromium against the browser host (which embeds the sandbox). */
export default defineConfig({
  testDir: './e2e',
  outputDir: '../test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: 'list',
  use: {
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      ...(chromium ? { executablePath: chromium } : {}),
      args: [
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
      ],
    },
  },
})
