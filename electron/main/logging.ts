import { join } from 'node:path'
import type { App, CrashReporter } from 'electron'
import { openLogFile, type LogFile } from '../core/platform/log-file'
import { configureLogging, createLogger } from '../core/platform/logger'

const log = createLogger('desktop')
const rendererLog = createLogger('renderer')

/** The parts of Electron the desktop's logging uses (tests pass stand-ins). */
export interface DesktopLoggingDeps {
  app: Pick<App, 'setAppLogsPath' | 'setPath' | 'getPath' | 'getVersion' | 'isPackaged'> & {
    on(event: 'web-contents-created', listener: (event: unknown, contents: RendererEvents) => void): unknown
    on(event: 'child-process-gone', listener: (event: unknown, details: ChildGone) => void): unknown
  }
  crashReporter: Pick<CrashReporter, 'start'>
  env: NodeJS.ProcessEnv
}

interface ChildGone {
  type: string
  reason: string
  exitCode: number
  name?: string
}

/** The webContents events that say a renderer failed. */
export interface RendererEvents {
  on(event: 'console-message', listener: (event: ConsoleMessage) => void): unknown
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string; exitCode: number }) => void): unknown
  on(event: 'preload-error', listener: (event: unknown, preloadPath: string, error: Error) => void): unknown
  on(event: 'unresponsive', listener: () => void): unknown
}

/** Electron ≥ 35 passes the details on the event object. */
interface ConsoleMessage {
  level: 'info' | 'warning' | 'error' | 'debug'
  message: string
  lineNumber: number
  sourceId: string
}

/**
 * Sends every module's log lines to a rotating file in the app's logs folder (macOS
 * ~/Library/Logs/Greenline, Windows and Linux <userData>/logs) and, when not packaged, to the
 * terminal too; starts the crash reporter with its dumps in `<logs>/crashes`, so the one folder
 * the tray's "Show log files" opens holds everything support asks for; records main-process
 * crashes and renderer failures. If the folder cannot be written, logging stays on stdout and the
 * app still starts.
 */
export async function startDesktopLogging(deps: DesktopLoggingDeps): Promise<LogFile | undefined> {
  let logsDir: string | undefined
  try {
    deps.app.setAppLogsPath()
    logsDir = deps.app.getPath('logs')
    // Electron requires this before crashReporter.start.
    deps.app.setPath('crashDumps', join(logsDir, 'crashes'))
  } catch (error) {
    log.error('no logs folder', { error })
  }
  startCrashReporter(deps.crashReporter, deps.env.GREENLINE_CRASH_REPORT_URL)
  let file: LogFile | undefined
  try {
    if (!logsDir) throw new Error('Electron gave no logs folder')
    file = await openLogFile({ dir: logsDir })
    configureLogging({ destinations: [file.stream], stdout: !deps.app.isPackaged })
  } catch (error) {
    log.error('no log file: its folder cannot be written', { error })
  }
  // A monitor only observes: Node still ends the process as it would without it.
  process.on('uncaughtExceptionMonitor', (error, origin) => log.error('uncaught exception in the main process', { origin, error }))
  deps.app.on('web-contents-created', (_event, contents) => forwardRendererErrors(contents))
  deps.app.on('child-process-gone', (_event, details) =>
    log.error('a child process ended unexpectedly', {
      type: details.type,
      reason: details.reason,
      exitCode: details.exitCode,
      name: details.name,
    }),
  )
  log.info('started', {
    version: deps.app.getVersion(),
    electron: process.versions.electron,
    platform: process.platform,
    arch: process.arch,
  })
  return file
}

/**
 * Crash dumps are always written (to Electron's crashDumps folder, for the user to send); they
 * are uploaded only when an office configures `GREENLINE_CRASH_REPORT_URL` (HTTPS).
 */
export function startCrashReporter(crashReporter: Pick<CrashReporter, 'start'>, submitUrl: string | undefined): void {
  const upload = submitUrl !== undefined && submitUrl.startsWith('https://')
  if (submitUrl && !upload) log.warn('crash reports stay on this computer: GREENLINE_CRASH_REPORT_URL must be an https:// URL')
  crashReporter.start({
    productName: 'Greenline',
    submitURL: upload ? submitUrl : '',
    uploadToServer: upload,
    compress: true,
  })
}

/** Renderer errors (uncaught exceptions and rejections reach the console as errors), crashes and hangs. */
export function forwardRendererErrors(contents: RendererEvents): void {
  contents.on('console-message', (event) => {
    if (event.level !== 'error') return
    // The file name only: a full path would carry the user's account name.
    const source = event.sourceId.replace(/^.*[/\\]/, '')
    rendererLog.error('renderer error', { detail: event.message, source, line: event.lineNumber })
  })
  contents.on('render-process-gone', (_event, details) =>
    rendererLog.error('renderer gone', { reason: details.reason, exitCode: details.exitCode }),
  )
  contents.on('preload-error', (_event, _path, error) => rendererLog.error('preload failed', { error }))
  contents.on('unresponsive', () => rendererLog.warn('renderer not responding'))
}
