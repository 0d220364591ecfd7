import { EventEmitter } from 'node:events'
import { PassThrough } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { startSandboxProcess } from '../../electron/launcher/sandbox-process'
import { utilityProcessLauncher, type UtilityChild, type UtilityProcessModule } from '../../electron/main/sandbox-utility-process'

/** A utility process that announces itself like the sandbox does, and exits when killed. */
class FakeUtilityChild extends EventEmitter implements UtilityChild {
  stdout = new PassThrough()
  kill = vi.fn(() => {
    setImmediate(() => this.emit('exit', 0))
    return true
  })
}

function fakeUtilityProcess(announce?: string) {
  const children: FakeUtilityChild[] = []
  const module = {
    fork: vi.fn((_script: string, _args?: string[]) => {
      const child = new FakeUtilityChild()
      children.push(child)
      setImmediate(() => (announce ? child.stdout.write(`${announce}\n`) : child.emit('exit', 1)))
      return child
    }),
  } satisfies UtilityProcessModule
  return { module, children }
}

describe('the WhatsApp sandbox started as an Electron utility process', () => {
  it('passes the script, its flags and only the child environment, then stops it on request', async () => {
    const { module, children } = fakeUtilityProcess(JSON.stringify({ url: 'http://127.0.0.1:4100', phoneNumberId: 'p1', wabaId: 'w1' }))
    const sandbox = await startSandboxProcess({
      webhookUrl: 'http://127.0.0.1:1/webhooks/whatsapp',
      smsWebhookUrl: 'http://127.0.0.1:1/webhooks/channels',
      clockUrl: 'http://127.0.0.1:1/clock',
      launch: utilityProcessLauncher(module),
    })
    expect(sandbox).toMatchObject({ url: 'http://127.0.0.1:4100', phoneNumberId: 'p1', wabaId: 'w1' })
    const [script, args, options] = module.fork.mock.calls[0] as unknown as Parameters<UtilityProcessModule['fork']>
    expect(script).toMatch(/sandbox(\/cli\.ts|\.js)$/)
    expect(args).toEqual(['--json', '--port', '0'])
    expect(options).toMatchObject({ stdio: ['ignore', 'pipe', 'inherit'], serviceName: 'Greenline WhatsApp sandbox' })
    expect(options?.env).toMatchObject({ GREENLINE_SANDBOX_TOKEN: sandbox.accessToken, GREENLINE_SANDBOX_APP_SECRET: sandbox.appSecret })
    expect(options?.env).not.toHaveProperty('ELECTRON_RUN_AS_NODE')

    await sandbox.stop()
    expect(children[0].kill).toHaveBeenCalledTimes(1)
    await sandbox.stop() // already gone: nothing more to do
    expect(children[0].kill).toHaveBeenCalledTimes(1)
  })

  it('fails with a clear error when the utility process exits before announcing itself', async () => {
    const { module } = fakeUtilityProcess()
    await expect(
      startSandboxProcess({ webhookUrl: 'x', smsWebhookUrl: 'x', clockUrl: 'x', launch: utilityProcessLauncher(module) }),
    ).rejects.toThrow('The WhatsApp sandbox stopped before it started (exit code 1)')
  })
})
