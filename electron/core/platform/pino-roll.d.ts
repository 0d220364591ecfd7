// pino-roll 4 ships no types; this is the part Greenline uses (see log-file.ts).
declare module 'pino-roll' {
  interface PinoRollOptions {
    /** Base path; pino-roll appends `.<n>` then `extension`. */
    file: string
    size?: string | number
    frequency?: 'daily' | 'hourly' | number
    extension?: string
    mkdir?: boolean
    symlink?: boolean
    limit?: { count?: number; removeOtherLogFiles?: boolean }
    sync?: boolean
  }

  /** A SonicBoom stream that moves on to the next numbered file when `size` is reached. */
  interface RollingStream {
    /** The file written now. */
    readonly file: string | null
    write(line: string): boolean
    flush(callback?: (error?: Error) => void): void
    end(): void
    once(event: 'ready' | 'close' | 'finish', listener: () => void): this
    once(event: 'error', listener: (error: Error) => void): this
  }

  export default function pinoRoll(options: PinoRollOptions): Promise<RollingStream>
}
