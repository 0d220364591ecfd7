import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { ANA, PHONE_ID, SECRET, TOKEN, phonePath, textBody } from './harness'
import { startReceiver, type WebhookReceiver } from './webhook-receiver'

/** The sandbox as the app embeds it (the real CLI): Meta's rate limits are on unless turned off. */
const root = join(import.meta.dirname, '..', '..')
const running: ChildProcess[] = []
const receivers: WebhookReceiver[] = []

afterEach(async () => {
  for (const child of running.splice(0)) child.kill('SIGKILL')
  for (const receiver of receivers.splice(0)) await receiver.close()
})

async function startCli(extra: string[]): Promise<string> {
  const receiver = await startReceiver(SECRET)
  receivers.push(receiver)
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'electron/sandbox/cli.ts'), '--json', '--port', '0', '--webhook-url', receiver.url, ...extra],
    {
      cwd: root,
      env: { ...process.env, GREENLINE_SANDBOX_TOKEN: TOKEN, GREENLINE_SANDBOX_APP_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  running.push(child)
  return new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) resolve((JSON.parse(line) as { url: string }).url)
    })
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)))
  })
}

/** Ana writes, then the business sends her 46 texts back to back; the codes of the refusals. */
async function burstToAna(url: string): Promise<number[]> {
  await fetch(`${url}/sandbox${phonePath(ANA)}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'Hi' }),
  })
  const codes: number[] = []
  for (let i = 0; i < 46; i++) {
    const response = await fetch(`${url}/v24.0/${PHONE_ID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(textBody(ANA, `message ${i}`)),
    })
    const body = (await response.json()) as { error?: { code: number } }
    if (body.error) codes.push(body.error.code)
  }
  return codes
}

describe('@operations the embedded sandbox is as strict as Meta', () => {
  it('refuses the 46th message to one person in a burst with 131056 (the pair limit)', async () => {
    expect(await burstToAna(await startCli([]))).toEqual([131056])
  })

  it('can be made lenient on purpose (--rate-limits off)', async () => {
    expect(await burstToAna(await startCli(['--rate-limits', 'off']))).toEqual([])
  })
})
