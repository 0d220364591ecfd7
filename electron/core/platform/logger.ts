import { pino, type DestinationStream, type Level, type Logger as Pino } from 'pino'
import { redactFields, redactText } from './redact'

/**
 * Per-module loggers over one pino instance: JSON lines (`time`, `level`, `module`, `msg`, fields).
 * Message text, phone numbers and tokens are removed before a line is written (redact.ts), so a
 * slip in a caller still never reaches the file a user sends to support. Pass ids, counts and
 * reasons, never bodies.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export type LogLevel = Level | 'silent'

export interface LoggingOptions {
  /** Accepted for older callers; every destination gets JSON lines now. */
  format?: 'text' | 'json'
  /** Each finished line (without its newline), e.g. to a test. Replaces stdout. */
  sink?: (line: string) => void
  /** Extra destinations, e.g. the desktop's rotating file (log-file.ts). */
  destinations?: DestinationStream[]
  /** Keep writing to stdout beside `destinations` (the desktop app started from a terminal). */
  stdout?: boolean
  level?: LogLevel
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']

/**
 * Under Vitest and with GREENLINE_LOG=silent only errors reach stdout (tests stay readable);
 * GREENLINE_LOG_LEVEL picks any level. A configured sink or file gets `info` and up regardless.
 */
function defaultLevel(env: NodeJS.ProcessEnv, toStdoutOnly: boolean): LogLevel {
  const wanted = env.GREENLINE_LOG_LEVEL as LogLevel | undefined
  if (wanted && LEVELS.includes(wanted)) return wanted
  if (toStdoutOnly && (env.GREENLINE_LOG === 'silent' || env.VITEST !== undefined)) return 'error'
  return 'info'
}

function build(options: LoggingOptions): Pino {
  const streams: DestinationStream[] = [...(options.destinations ?? [])]
  const sink = options.sink
  if (sink) streams.push({ write: (line: string) => sink(line.replace(/\n$/, '')) })
  const toStdout = !sink && (streams.length === 0 || options.stdout === true)
  // Synchronous stdout: the last lines before `process.exit` (a service stopping) are not lost.
  if (toStdout) streams.push(pino.destination({ dest: 1, sync: true }))
  const level = options.level ?? defaultLevel(process.env, streams.length === 1 && toStdout)
  const destination = streams.length === 1 ? streams[0] : pino.multistream(streams.map((stream) => ({ stream, level })))
  return pino(
    {
      level,
      // No host name: the logs leave the machine; the pid tells two runs apart.
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  )
}

let root = build({})

/** Chooses where every module's lines go from now on (loggers made earlier follow). */
export function configureLogging(options: LoggingOptions): void {
  root = build(options)
}

export function createLogger(module: string): Logger {
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (!root.isLevelEnabled(level)) return
    root[level]({ module, ...(fields ? redactFields(fields) : {}) }, redactText(message))
  }
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  }
}
