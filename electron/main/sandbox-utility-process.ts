import type { SandboxChild, SandboxLauncher } from '../launcher/sandbox-process'

/** The part of an Electron `UtilityProcess` used here. */
export interface UtilityChild {
  readonly stdout: NodeJS.ReadableStream | null
  once(event: 'exit', listener: (code: number) => void): unknown
  once(event: 'error', listener: (type: string, location: string) => void): unknown
  kill(): boolean
}

/** The part of Electron's `utilityProcess` module used here (tests pass a stand-in). */
export interface UtilityProcessModule {
  fork(
    modulePath: string,
    args?: string[],
    options?: { env?: Record<string, string>; execArgv?: string[]; stdio?: Array<'pipe' | 'ignore' | 'inherit'>; serviceName?: string },
  ): UtilityChild
}

/**
 * Starts the WhatsApp sandbox as an Electron utility process. The packaged app's RunAsNode fuse is
 * off (a signed app must not double as a Node interpreter), so its binary can no longer be spawned
 * with ELECTRON_RUN_AS_NODE; a utility process is Chromium's own Node child, ended with the app.
 */
export function utilityProcessLauncher(utilityProcess: UtilityProcessModule): SandboxLauncher {
  return (module, args, env) => {
    const child = utilityProcess.fork(module.script, args, {
      env: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
      execArgv: module.execArgv,
      // Utility processes cannot take a stdin; stdout carries the sandbox's "listening" line.
      stdio: ['ignore', 'pipe', 'inherit'],
      serviceName: 'Greenline WhatsApp sandbox',
    })
    let exitCode: number | null = null
    child.once('exit', (code) => {
      exitCode = code
    })
    const adapted: SandboxChild = {
      get stdout() {
        return child.stdout
      },
      get exitCode() {
        return exitCode
      },
      once(event: 'exit' | 'error', listener: ((code: number | null) => void) | ((error: Error) => void)) {
        // Electron reports a failure to start as an exit, and a fatal V8 error as 'error'.
        if (event === 'exit') child.once('exit', listener as (code: number) => void)
        else
          child.once('error', (type, location) =>
            (listener as (error: Error) => void)(new Error(`The WhatsApp sandbox failed: ${type} at ${location}`)),
          )
        return adapted
      },
      kill: () => child.kill(),
    }
    return adapted
  }
}
