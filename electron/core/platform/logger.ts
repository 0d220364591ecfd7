/** Per-module loggers. Never pass message bodies or secrets: only ids, counts and reasons. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

const quiet = process.env.GREENLINE_LOG === 'silent' || process.env.VITEST !== undefined

/**
 * `text` for people at a terminal (the desktop app, `npm run web`); `json` for the team server,
 * whose service manager collects stdout: one JSON object per line, to stdout at every level.
 */
let format: 'text' | 'json' = process.env.GREENLINE_LOG_FORMAT === 'json' ? 'json' : 'text'
let sink: ((line: string) => void) | undefined

export function configureLogging(options: { format?: 'text' | 'json'; sink?: (line: string) => void }): void {
  if (options.format) format = options.format
  sink = options.sink
}

export function createLogger(module: string): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (format === 'json') {
      const line = JSON.stringify({ time: new Date().toISOString(), level, module, msg: message, ...fields })
      if (sink) return sink(line)
      if (quiet && level !== 'error') return
      return void process.stdout.write(`${line}\n`)
    }
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
