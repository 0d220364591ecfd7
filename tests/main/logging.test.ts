import { EventEmitter } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LogFile } from '../../electron/core/platform/log-file'
import { configureLogging } from '../../electron/core/platform/logger'
import { startCrashReporter, startDesktopLogging, type DesktopLoggingDeps } from '../../electron/main/logging'

let logsDir: string | undefined
let file: LogFile | undefined

afterEach(async () => {
  configureLogging({})
  await file?.close()
  file = undefined
  if (logsDir) rmSync(logsDir, { recursive: true, force: true })
  logsDir = undefined
})

/** Electron's `app` as far as logging uses it: a logs folder, a version, events. */
function fakeApp() {
  logsDir = mkdtempSync(join(tmpdir(), 'greenline-app-logs-'))
  const events = new EventEmitter()
  const app = {
    setAppLogsPath: vi.fn(),
    setPath: vi.fn(),
    getPath: vi.fn((name: string) => (name === 'logs' ? logsDir! : '/nowhere')),
    getVersion: () => '1.4.0',
    isPackaged: true,
    on: (event: string, listener: (...args: any[]) => void) => events.on(event, listener),
  }
  return { app: app as unknown as DesktopLoggingDeps['app'], events }
}

describe('desktop logging with a mocked electron', () => {
  it('writes the app’s lines and renderer errors, redacted, to a file in the logs folder', async () => {
    const { app, events } = fakeApp()
    const crashReporter = { start: vi.fn(() => expect(app.setPath).toHaveBeenCalled()) }
    file = await startDesktopLogging({ app, crashReporter, env: {} })
    expect(file?.dir).toBe(logsDir)
    // Crash dumps land in the same folder a user sends, set before the reporter starts.
    expect(app.setPath).toHaveBeenCalledWith('crashDumps', join(logsDir!, 'crashes'))
    expect(crashReporter.start).toHaveBeenCalledOnce()

    const renderer = new EventEmitter()
    events.emit('web-contents-created', {}, renderer)
    renderer.emit('console-message', {
      level: 'error',
      message: 'Uncaught TypeError: cannot read "id" of +44 7700 900123 token=abc',
      lineNumber: 12,
      sourceId: '/Users/ana.lopez/app/out/renderer/assets/index-3f2b.js',
    })
    renderer.emit('console-message', { level: 'warning', message: '[Vue warn] props', lineNumber: 1, sourceId: 'x.js' })
    renderer.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 })
    events.emit('child-process-gone', {}, { type: 'Utility', reason: 'killed', exitCode: 9, name: 'Greenline WhatsApp sandbox' })
    await file!.flush()

    const lines = readFileSync(file!.current(), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines.map((line) => line.msg)).toEqual(['started', 'renderer error', 'renderer gone', 'a child process ended unexpectedly'])
    expect(lines[0]).toMatchObject({ module: 'desktop', version: '1.4.0' })
    expect(lines[1]).toMatchObject({ module: 'renderer', level: 'error', source: 'index-3f2b.js', line: 12 })
    expect(lines[1].detail).toBe('Uncaught TypeError: cannot read "id" of +[phone …23] token=abc')
    expect(JSON.stringify(lines)).not.toContain('ana.lopez')
    expect(lines[2]).toMatchObject({ reason: 'crashed', exitCode: 139 })
    expect(app.setAppLogsPath).toHaveBeenCalled()
  })

  it('keeps crash dumps on the computer unless an HTTPS upload URL is configured', () => {
    const crashReporter = { start: vi.fn() }
    startCrashReporter(crashReporter, undefined)
    expect(crashReporter.start).toHaveBeenLastCalledWith(expect.objectContaining({ uploadToServer: false, submitURL: '' }))
    startCrashReporter(crashReporter, 'http://crashes.example.com/submit')
    expect(crashReporter.start).toHaveBeenLastCalledWith(expect.objectContaining({ uploadToServer: false, submitURL: '' }))
    startCrashReporter(crashReporter, 'https://crashes.example.com/submit')
    expect(crashReporter.start).toHaveBeenLastCalledWith(
      expect.objectContaining({ uploadToServer: true, submitURL: 'https://crashes.example.com/submit', productName: 'Greenline' }),
    )
  })
})
