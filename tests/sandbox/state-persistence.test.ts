import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { sandboxCredentials } from '../../electron/launcher/sandbox-process'
import { ANA, PHONE_ID, SECRET, TOKEN, phonePath, textBody } from './harness'
import { messagesOf, startReceiver, statusesOf, type WebhookReceiver } from './webhook-receiver'

/**
 * @security After a crash, the sandbox must go on where it stopped: a restarted sandbox that forgot
 * its users, its delivery log and the webhooks it still owed made acknowledged messages fail or
 * stay "sent" for ever. Run against the real CLI, killed with SIGKILL.
 */
const root = join(import.meta.dirname, '..', '..')
const running: ChildProcess[] = []
const receivers: WebhookReceiver[] = []

afterEach(async () => {
  for (const child of running.splice(0)) child.kill('SIGKILL')
  for (const receiver of receivers.splice(0)) await receiver.close()
})

async function startCli(stateDir: string, webhookUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'electron/sandbox/cli.ts'),
      '--json',
      '--port',
      '0',
      '--state-dir',
      stateDir,
      '--webhook-url',
      webhookUrl,
    ],
    {
      cwd: root,
      env: { ...process.env, GREENLINE_SANDBOX_TOKEN: TOKEN, GREENLINE_SANDBOX_APP_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  running.push(child)
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) resolve((JSON.parse(line) as { url: string }).url)
    })
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)))
  })
  return { url, child }
}

async function call(url: string, method: string, path: string, body?: unknown, token?: string) {
  const response = await fetch(url + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: await response.json() }
}

async function killed(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

describe('@security sandbox state survives a crash', () => {
  it('keeps users, windows, the delivery log and unsent webhooks across a SIGKILL', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'greenline-sandbox-state-'))
    // Nobody listens yet: every webhook stays owed.
    const first = await startCli(stateDir, 'http://127.0.0.1:9/unreachable')
    const added = await call(first.url, 'POST', '/sandbox/users', { phone: '+14155550177', name: 'Eve Added' })
    expect(added.status).toBe(201)
    expect((await call(first.url, 'POST', `/sandbox${phonePath(ANA)}/messages`, { text: 'Hello from Ana' })).status).toBe(201)
    const sent = await call(first.url, 'POST', `/v24.0/${PHONE_ID}/messages`, textBody(ANA, 'Your crown is ready'), TOKEN)
    expect(sent.status).toBe(200)
    const wamid = sent.body.messages[0].id as string
    await killed(first.child)

    const hooks = await startReceiver(SECRET)
    receivers.push(hooks)
    const second = await startCli(stateDir, hooks.url)
    const users = (await call(second.url, 'GET', '/sandbox/users')).body as Array<{ phone: string; windowOpen: boolean }>
    expect(users.find((user) => user.phone === '+14155550177')).toBeDefined()
    expect(users.find((user) => user.phone === ANA)?.windowOpen).toBe(true)
    const log = (await call(second.url, 'GET', `/sandbox/deliveries?phone=${encodeURIComponent(ANA)}`)).body as Array<{
      id: string
      text: string
    }>
    expect(log.map(({ id, text }) => ({ id, text }))).toEqual([{ id: wamid, text: 'Your crown is ready' }])

    // What the first run owed arrives now, signed with the secret the engine knows.
    await hooks.waitFor((hook) => statusesOf(hook).some((status) => status.id === wamid && status.status === 'delivered'))
    await hooks.waitFor((hook) => messagesOf(hook).some((message) => message.text?.body === 'Hello from Ana'))
    expect(hooks.received.every((hook) => hook.signatureValid)).toBe(true)
    // A second send inside the window still works: the window came back with the user.
    expect((await call(second.url, 'POST', `/v24.0/${PHONE_ID}/messages`, textBody(ANA, 'Second'), TOKEN)).status).toBe(200)
  }, 60_000)

  it('the launcher keeps the sandbox credentials in its folder, readable by the owner only', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'greenline-sandbox-credentials-'))
    const first = sandboxCredentials(stateDir)
    expect(sandboxCredentials(stateDir)).toEqual(first)
    expect(first.appSecret).toMatch(/^[0-9a-f]{48}$/)
    if (process.platform !== 'win32') expect(statSync(join(stateDir, 'credentials.json')).mode & 0o077).toBe(0)
  })
})
