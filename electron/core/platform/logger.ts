/** Per-module loggers. Never pass message bodies or secrets: only ids, counts and reasons. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

const quiet = process.env.GREENLINE_LOG === 'silent' || process.env.VITEST !== undefined

export function createLogger(module: string): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (quiet && level !== 'error') return
    const line = fields ? `${message} ${JSON.stringify(fields)}` : message
    const out = level === 'info' ? console.log : console.error
    out(`[${level}] ${module}: ${line}`)
  }
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  }
}
