import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The real desktop app: Playwright launches Electron on the built main (out/main/index.js), the
 * renderer talks to the main process through the preload, and a message goes to the embedded
 * WhatsApp sandbox. Electron's binary is downloaded lazily from GitHub, which these machines
 * cannot reach, so the test checks for it WITHOUT requiring 'electron' (that would try to
 * download it) and skips with the reason when it is missing.
 */
const root = fileURLToPath(new URL('../..', import.meta.url))

function electronBinary(): string | undefined {
  const packageDir = join(root, 'node_modules', 'electron')
  const pathFile = join(packageDir, 'path.txt')
  if (!existsSync(pathFile)) return undefined
  const executable = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(executable) ? executable : undefined
}

const executablePath = electronBinary()
const ANA = '+14155550101'

test('launches the real app, sends a message to the WhatsApp sandbox and quits @desktop', async () => {
  test.skip(!executablePath, 'Electron binary not installed on this machine (cannot be downloaded here)')
  const userData = mkdtempSync(join(tmpdir(), 'greenline-electron-'))
  let app: ElectronApplication | undefined
  try {
    app = await electron.launch({
      executablePath,
      args: [join(root, 'out', 'main', 'index.js')],
      cwd: root,
      env: { ...process.env, GREENLINE_USER_DATA_DIR: userData, GREENLINE_LOG: 'silent' },
    })
    const page = await app.firstWindow()
    await page.waitForLoadState('domcontentloaded')
    // No Node in the renderer.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')

    // The same calls the renderer's stores make, through the preload bridge and IPC.
    type Bridge = { request(channel: string, payload: unknown): Promise<{ ok: boolean; value?: any; error?: any }> }
    const request = (channel: string, payload: unknown) =>
      page.evaluate(([c, p]) => (globalThis as unknown as { greenline: Bridge }).greenline.request(c, p), [channel, payload] as const)

    expect(await request('session:get', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const session = await request('session:signIn', { userId: 'priya' })
    expect(session).toMatchObject({ ok: true, value: { user: { id: 'priya' }, org: { sandbox: true } } })
    const sandboxUrl = session.value.org.sandboxUrl as string
    const contact = (await request('contacts:create', { name: 'Ana Souza', phone: ANA })).value
    const conversation = (await request('conversations:start', { contactId: contact.id, channel: 'whatsapp' })).value
    await fetch(`${sandboxUrl}/sandbox/users/${encodeURIComponent(ANA)}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ buttonPayload: 'CONSENT_YES' }),
    })
    await expect.poll(async () => (await request('conversations:get', { id: conversation.id })).value.consent).toBe('granted')
    expect(await request('messages:send', { conversationId: conversation.id, text: 'Sent from the desktop app' })).toMatchObject({
      ok: true,
    })
    await expect
      .poll(async () =>
        ((await (await fetch(`${sandboxUrl}/sandbox/deliveries?phone=${encodeURIComponent(ANA)}`)).json()) as Array<{ text?: string }>).map(
          (d) => d.text,
        ),
      )
      .toContain('Sent from the desktop app')
  } finally {
    // Quit drains the scheduler and closes the database before the process exits.
    await app?.close()
  }
})
