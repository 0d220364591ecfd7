import { join } from 'node:path'
import pinoRoll from 'pino-roll'
import type { DestinationStream } from 'pino'

/** The desktop app's log: numbered files in one folder, the oldest removed as new ones fill up. */
export interface LogFile {
  /** The folder a user zips and sends (README "Logs"). */
  dir: string
  /** The file being written now (`greenline.<n>.log`, highest number newest). */
  current(): string
  stream: DestinationStream
  /** Resolves once every line written so far is on disk. */
  flush(): Promise<void>
  close(): Promise<void>
}

export interface LogFileOptions {
  dir: string
  /** Start a new file past this size (pino-roll syntax: `5m`, `500k`). */
  size?: string
  /** Files kept besides the current one. */
  keep?: number
}

/**
 * Opens `<dir>/greenline.<n>.log` for appending (the folder is created). 5 MB per file and 4 older
 * files keep a few weeks of an office day's lines in at most 25 MB.
 */
export async function openLogFile(options: LogFileOptions): Promise<LogFile> {
  const stream = await pinoRoll({
    file: join(options.dir, 'greenline'),
    extension: '.log',
    size: options.size ?? '5m',
    limit: { count: options.keep ?? 4 },
    mkdir: true,
    // Written before the call returns: the lines just before a crash are the ones support needs.
    // A desktop app logs a few lines a minute, so blocking writes cost nothing noticeable.
    sync: true,
  })
  // SonicBoom opens the file in the background; lines written before that would be queued anyway,
  // but the caller wants to know the file's name and that the folder is writable.
  if (!stream.file) {
    await new Promise<void>((resolve, reject) => {
      stream.once('ready', () => resolve())
      stream.once('error', reject)
    })
  }
  return {
    dir: options.dir,
    current: () => stream.file ?? '',
    stream,
    flush: () => new Promise<void>((resolve, reject) => stream.flush((error) => (error ? reject(error) : resolve()))),
    close: () =>
      new Promise<void>((resolve) => {
        stream.once('close', () => resolve())
        stream.end()
      }),
  }
}
