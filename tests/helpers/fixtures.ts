import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// The published WhatsApp payloads: the shared folder beside the repository (it may hold more than
// our copy), else the copy in tests/fixtures/whatsapp; GREENLINE_WA_FIXTURES overrides both.
const candidates = [
  process.env.GREENLINE_WA_FIXTURES,
  fileURLToPath(new URL('../../../shared/fixtures/whatsapp', import.meta.url)),
  fileURLToPath(new URL('../fixtures/whatsapp', import.meta.url)),
].filter((dir): dir is string => Boolean(dir))

export const FIXTURE_DIR = candidates.find((dir) => existsSync(dir)) ?? candidates[candidates.length - 1]

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
}

export function fixtureText(name: string): string {
  return readFileSync(`${FIXTURE_DIR}/${name}`, 'utf8')
}

export function fixture<T = any>(name: string): T {
  return JSON.parse(fixtureText(name)) as T
}

/** Webhook deliveries: inbound messages, statuses, preferences and account errors. */
export function webhookFixtureNames(): string[] {
  return fixtureNames().filter((name) => /^(inbound|status|user-preferences|value-errors)-/.test(name) && !name.endsWith('.raw.json'))
}
