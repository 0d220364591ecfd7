import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openLogFile, type LogFile } from '../../../electron/core/platform/log-file'
import { configureLogging, createLogger } from '../../../electron/core/platform/logger'
import { redactText, redactValue } from '../../../electron/core/platform/redact'

const MESSAGE_TEXT = 'Your biopsy results are ready, call me back'
const PHONE = '+49 151 2345 6789'
const WA_ID = '4915123456789'
const ACCESS_TOKEN = 'EAAGm0PX4ZCpsBAKZCZBf3Ax9ZCDq7ZAwYb2kLZC8rVZC'
const APP_SECRET = '5f0c3e9a1b7d4e2f8a6c0b3d9e1f7a2c'

let dir: string | undefined
let file: LogFile | undefined

afterEach(async () => {
  configureLogging({})
  await file?.close()
  file = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

async function logToFile(options: { size?: string } = {}): Promise<LogFile> {
  dir = mkdtempSync(join(tmpdir(), 'greenline-logs-'))
  file = await openLogFile({ dir, ...options })
  configureLogging({ destinations: [file.stream] })
  return file
}

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('the log file a user sends to support', () => {
  it('holds JSON lines without the message text, the phone number or the token', async () => {
    const log = await logToFile()
    const messageId = '3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c'
    createLogger('outbox').info(`sending to ${PHONE} with Bearer ${ACCESS_TOKEN}`, {
      messageId,
      body: MESSAGE_TEXT,
      to: WA_ID,
      accessToken: ACCESS_TOKEN,
      request: { headers: { authorization: `Bearer ${ACCESS_TOKEN}` }, url: `https://graph.example/v24.0/1?access_token=${ACCESS_TOKEN}` },
      error: new Error(`Meta refused ${WA_ID}: secret ${APP_SECRET}`),
    })
    createLogger('webhooks').warn('payload kept', { payload: { messages: [{ from: WA_ID, text: { body: MESSAGE_TEXT } }] } })
    await log.flush()

    const text = readFileSync(log.current(), 'utf8')
    for (const secret of [MESSAGE_TEXT, 'biopsy', '2345 6789', WA_ID, ACCESS_TOKEN, APP_SECRET]) expect(text).not.toContain(secret)
    const [sent, kept] = lines(log.current())
    expect(sent).toMatchObject({ level: 'info', module: 'outbox', messageId, body: '[redacted]', accessToken: '[redacted]' })
    // Support can still tell numbers apart by their last two digits, and read the error.
    expect(sent.msg).toBe('sending to +[phone …89] with Bearer [redacted]')
    expect(sent.to).toBe('+[phone …89]')
    expect((sent.error as { message: string }).message).toBe('Meta refused +[phone …89]: secret [redacted]')
    expect(kept).toMatchObject({ level: 'warn', module: 'webhooks', payload: { messages: [{ from: '+[phone …89]', text: '[redacted]' }] } })
    expect(typeof sent.time).toBe('string')
    expect(sent).not.toHaveProperty('hostname')
  })

  it('moves on to a new numbered file when the current one is full and keeps only the newest', async () => {
    const log = await logToFile({ size: '1k' })
    const outbox = createLogger('outbox')
    for (let i = 0; i < 60; i++) {
      outbox.info('message sent', { messageId: `m-${i}`, attempt: 1, lane: 'whatsapp' })
      // pino-roll switches files once the write that crossed the size has drained (next tick).
      await new Promise(setImmediate)
    }
    const files = readdirSync(log.dir).filter((name) => name.endsWith('.log'))
    expect(files.length).toBeGreaterThan(1)
    expect(files.length).toBeLessThanOrEqual(5) // the current file and 4 older ones
    expect(readFileSync(log.current(), 'utf8')).toContain('"messageId":"m-59"')
  })
})

describe('redaction of free text', () => {
  it('keeps ids, dates, ports and words that support needs', () => {
    const kept = 'message 3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c at 2026-12-05T08:00:00.000Z on 127.0.0.1:49152 retry_after_backoff_jitter'
    expect(redactText(kept)).toBe(kept)
  })

  it('removes phone numbers however they are written, JWTs and secret query parameters', () => {
    expect(redactText('call (+1) 555-010-9999 or 15550109999')).toBe('call +[phone …99] or +[phone …99]')
    expect(redactText('session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2lnbmF0dXJl')).toBe('session [redacted]')
    expect(redactText('GET /webhooks?hub.verify_token=tok3n&hub.challenge=1')).toBe(
      'GET /webhooks?hub.verify_token=[redacted]&hub.challenge=1',
    )
  })

  it('drops values of sensitive keys at any depth and survives cycles', () => {
    const cyclic: Record<string, unknown> = { id: 'c1', contact: { phoneNumber: '+4915123456789', name: 'Ana' } }
    cyclic.self = cyclic
    expect(redactValue(cyclic)).toEqual({ id: 'c1', contact: { phoneNumber: '[redacted]', name: 'Ana' }, self: '[…]' })
  })
})

describe('loggers', () => {
  it('write one JSON line per call with the level as a word and the module name', () => {
    const seen: string[] = []
    configureLogging({ sink: (line) => seen.push(line) })
    createLogger('server').info('listening', { port: 8443 })
    createLogger('server').debug('not at the default level')
    expect(seen).toHaveLength(1)
    expect(JSON.parse(seen[0])).toMatchObject({ level: 'info', module: 'server', msg: 'listening', port: 8443 })
  })
})
