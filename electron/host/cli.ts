import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { defaultDataDir } from '../core/platform/data-dir'
import { startBrowserHost } from './app'

/**
 * `npm run web`: the browser host on 127.0.0.1. Flags/env: --port / GREENLINE_PORT (5178),
 * --data-dir / GREENLINE_DATA_DIR (the OS app-data folder), GREENLINE_TOKEN (random per start),
 * GREENLINE_ORG_FILE (the org policy file; the demo organization without it).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, renderer: { type: 'string' } } })
  const port = Number(values.port ?? process.env.GREENLINE_PORT ?? 5178)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a number from 0 to 65535')
  const here = dirname(fileURLToPath(import.meta.url))
  const host = await startBrowserHost({
    dataDir: values['data-dir'] ?? process.env.GREENLINE_DATA_DIR ?? defaultDataDir(),
    rendererDir: resolveRenderer(here, values.renderer),
    port,
    token: process.env.GREENLINE_TOKEN || undefined,
  })
  console.log(`Greenline is running. Open ${host.openUrl}`)
  if (host.sandbox) console.log(`WhatsApp sandbox (phone simulator): ${host.sandbox.url}/`)
  const stop = () => void host.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

function resolveRenderer(here: string, given: string | undefined): string {
  if (given) return given
  // Built: out/main/host.js → out/renderer. From source: electron/host → out/renderer.
  return here.endsWith(join('out', 'main')) ? join(here, '..', 'renderer') : join(here, '..', '..', 'out', 'renderer')
}

main().catch((error: unknown) => {
  console.error(`Greenline could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
