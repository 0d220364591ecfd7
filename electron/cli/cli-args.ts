import { defaultDataDir } from '../core/platform/data-dir'

/** `--name value` and `--name=value` pairs; anything else is an error naming it. */
export function parseArgs(argv: string[], known: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!match || !known.includes(match[1])) throw new UsageError(`unknown argument ${arg}`)
    const value = match[2] ?? argv[++i]
    if (value === undefined || value === '') throw new UsageError(`--${match[1]} needs a value`)
    out[match[1]] = value
  }
  return out
}

export class UsageError extends Error {
  override name = 'UsageError'
}

/** `--data-dir`, else GREENLINE_DATA_DIR, else the OS app-data folder. */
export function resolveDataDir(args: Record<string, string>, env: NodeJS.ProcessEnv = process.env): string {
  return args['data-dir'] ?? env.GREENLINE_DATA_DIR ?? defaultDataDir(env)
}

/** `2026-01-01` (UTC midnight) or a full ISO date-time. */
export function parseDate(value: string, name: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value)
  if (Number.isNaN(ms)) throw new UsageError(`--${name} must be a date like 2026-01-31 or 2026-01-31T09:00:00Z`)
  return ms
}
