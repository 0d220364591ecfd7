import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../electron/core/http/http-util'
import { expect, test } from './fixtures'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** What `npm run web` runs: the built host (out/main/host.js), which starts the built sandbox. */
test('the built browser host starts with its sandbox, serves /healthz, and signs a user in @contacts', async ({ page }) => {
  const port = await freePort()
  const token = 'built-host-token'
  const host: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'out', 'main', 'host.js'), '--port', String(port), '--data-dir', mkdtempSync(join(tmpdir(), 'greenline-built-'))],
    {
      env: { ...process.env, GREENLINE_TOKEN: token, GREENLINE_ORG_FILE: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  try {
    const lines = createInterface({ input: host.stdout! })
    const printed: string[] = []
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        printed.push(line)
        if (line.startsWith('WhatsApp sandbox')) resolve()
      })
      host.once('exit', (code) => reject(new Error(`the host exited (${code}): ${printed.join('\n')}`)))
    })
    expect(printed[0]).toBe(`Greenline is running. Open http://127.0.0.1:${port}/?token=${token}`)
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(401)

    await page.goto(`http://127.0.0.1:${port}/?token=${token}`)
    await page.getByTestId('sign-in-alex').click()
    await expect(page.getByTestId('sandbox-badge')).toBeVisible()
  } finally {
    host.kill('SIGTERM')
  }
})
