// The team server end to end in real Chromium: a real OpenID provider and the Fastify server with
// the built renderer, both started in this file. Priya signs in with her password on the sign-in
// page, Sam through the SSO button and the provider; then the group flow runs between their two
// browsers, and at the end Sam's own session cookie is refused the thread he was removed from.
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { freePort } from '../../electron/core/http/http-util'
import { resolveServerConfig } from '../../electron/server/config'
import { startServer, type TeamServer } from '../../electron/server/server'
import { WsClient } from '../helpers/ws-client'
import { INTERACTION_PATH, loginAsUrl, startOidcProvider, type TestOidcProvider } from '../server/oidc-provider'
import { RENDERER_DIR } from './fixtures'
import { expectLine, startConsentedThread } from './thread-steps'

const ADMIN_PASSWORD = 'priya has a long team password'
const SAM = 'sam@acme.example'
const ANA = '+14155550101'

interface Team {
  server: TeamServer
  provider: TestOidcProvider
  /** Calls the sandbox's control API (the simulated WhatsApp users). */
  sandbox<T = unknown>(path: string, body?: unknown): Promise<T>
}

/** `team`: one OpenID provider and one team server per worker, shared by this file's tests. */
const test = base.extend<Record<never, never>, { team: Team }>({
  team: [
    // Playwright reads the fixture's dependencies from this destructuring: none.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      // The redirect URI names the server's port, so the port is chosen before either starts.
      const port = await freePort()
      const provider = await startOidcProvider({
        clients: [
          { client_id: 'greenline', client_secret: 'e2e-sso-secret', redirect_uris: [`http://127.0.0.1:${port}/auth/oidc/callback`] },
        ],
        accounts: { sam: { email: SAM, name: 'Sam Lee' } },
      })
      const dataDir = mkdtempSync(join(tmpdir(), 'greenline-e2e-team-'))
      const env = {
        GREENLINE_OIDC_ISSUER: provider.issuer,
        GREENLINE_OIDC_CLIENT_ID: 'greenline',
        GREENLINE_OIDC_CLIENT_SECRET: 'e2e-sso-secret',
        GREENLINE_OIDC_LABEL: 'Acme SSO',
        GREENLINE_ADMIN_USER: 'priya',
        GREENLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      }
      const config = resolveServerConfig(['--bind', '127.0.0.1', '--port', String(port), '--data-dir', dataDir], env)
      const server = await startServer(config, { rendererDir: RENDERER_DIR, env: {} })
      // An administrator added Sam; his user ID is the e-mail the provider vouches for.
      await server.engine.store.accounts.upsertAccount({ userId: SAM, name: 'Sam Lee', role: 'member', now: Date.now() })
      try {
        await use({
          server,
          provider,
          async sandbox(path, body) {
            const response = await fetch(
              `${server.sandbox!.url}${path}`,
              body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
            )
            if (!response.ok) throw new Error(`sandbox ${path}: HTTP ${response.status} ${await response.text()}`)
            return response.json()
          },
        })
      } finally {
        await server.close()
        await provider.close()
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
    { scope: 'worker' },
  ],
})

/** Types into the real sign-in form and submits it. */
async function passwordSignIn(page: Page, userId: string, password: string): Promise<void> {
  await page.getByLabel('User ID').fill(userId)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

/** The Cookie header the context's browser sends to the server (its HttpOnly session cookie). */
async function sessionCookie(context: BrowserContext, url: string): Promise<string> {
  const cookie = (await context.cookies(url)).find((c) => c.name === 'greenline_session')
  expect(cookie, 'the browser holds a session cookie').toBeDefined()
  return `${cookie!.name}=${cookie!.value}`
}

test('a wrong password on the sign-in page is refused and starts no session @team', async ({ page, team }) => {
  await page.goto(team.server.url)
  await expect(page.getByRole('button', { name: 'Sign in with Acme SSO' })).toBeVisible()
  await passwordSignIn(page, 'priya', 'not the password')
  await expect(page.getByRole('alert')).toHaveText("That user ID and password don't match.")
  await expect(page.getByLabel('Password')).toHaveValue('')
  await expect(page.getByTestId('nav-messages')).toHaveCount(0)
  expect((await page.context().cookies(team.server.url)).map((c) => c.name)).not.toContain('greenline_session')
  expect((await page.request.get(`${team.server.url}/auth/me`)).status()).toBe(401)
})

test('Priya by password and Sam by SSO share a WhatsApp conversation until Sam is removed @team', async ({ page, browser, team }) => {
  test.setTimeout(120_000)
  const { server, provider } = team
  const samContext = await browser.newContext()
  const samPage = await samContext.newPage()
  const sockets: WsClient[] = []
  try {
    // A: the password form on the real sign-in page.
    await page.goto(server.url)
    await passwordSignIn(page, 'priya', ADMIN_PASSWORD)
    await expect(page.getByTestId('filter-all')).toBeVisible()

    // B: the SSO button; the provider has no login page here, so at its interaction page the
    // browser goes to the helper's login-as endpoint, with the provider's cookies it was given.
    await samPage.goto(server.url)
    await samPage.getByRole('button', { name: 'Sign in with Acme SSO' }).click()
    await samPage.waitForURL((url) => url.origin === provider.issuer && INTERACTION_PATH.test(url.pathname), { waitUntil: 'commit' })
    await samPage.goto(loginAsUrl(samPage.url(), 'sam').href)
    await expect(samPage).toHaveURL(`${server.url}/#/messages`)
    await expect(samPage.getByTestId('filter-all')).toBeVisible()

    // Both sessions are who they say, over each browser's own cookie.
    const priya = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie(page.context(), server.url) } })
    const sam = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie(samContext, server.url) } })
    sockets.push(priya, sam)
    expect((await priya.request('session:get', {})).user).toMatchObject({ id: 'priya' })
    expect((await sam.request('session:get', {})).user).toMatchObject({ id: SAM, name: 'Sam Lee' })

    // A starts the conversation and asks for consent with the first message.
    const ana = await priya.request('contacts:create', { name: 'Ana Souza', phone: ANA })
    const threadId = await startConsentedThread(page, server.url, ana.id, ANA, team.sandbox, 'Hi Ana, Priya from Greenline here')

    // A adds B; B gets the thread in his list without reloading.
    const samRow = samPage.locator(`[data-testid="conversation-row"][data-id="${threadId}"]`)
    await expect(samRow).toHaveCount(0)
    const panel = page.getByTestId('participants-panel')
    await addSam(page)
    await expectLine(page, 'Priya Shah added Sam Lee')
    await samRow.click()
    await expect(samPage.getByTestId('thread')).toContainText('Hi Ana, Priya from Greenline here')
    await expectLine(samPage, 'Priya Shah added Sam Lee')

    // B transfers it back to A with a note, and loses it.
    await samPage.getByTestId('participants-open').click()
    const samPanel = samPage.getByTestId('participants-panel')
    await expect(samPanel.getByTestId('participant-row')).toHaveCount(2)
    await samPanel.getByTestId('participant-transfer').click()
    await samPanel.getByTestId('transfer-to').selectOption('priya')
    await samPanel.getByTestId('transfer-note').fill('Ana prefers mornings')
    await samPanel.getByTestId('transfer-confirm').click()
    await expect(samPage).toHaveURL(/#\/messages$/)
    await expect(samRow).toHaveCount(0)
    await expectLine(page, 'Sam Lee transferred the conversation to Priya Shah: Ana prefers mornings')
    await expect(page.getByTestId('composer-input')).toBeEnabled()

    // A adds B again; B reads it (his socket too), and is looking at it when A removes him.
    await addSam(page)
    await samRow.click()
    await expectLine(samPage, 'Sam Lee transferred the conversation to Priya Shah: Ana prefers mornings')
    expect((await sam.request('messages:list', { conversationId: threadId })).length).toBeGreaterThan(0)
    await page.getByTestId('participants-open').click()
    await panel.locator(`[data-testid="participant-row"][data-user="${SAM}"]`).getByTestId('participant-remove').click()
    await panel.getByTestId('participant-remove-confirm').click()
    await expect(panel.getByTestId('participant-row')).toHaveCount(1)
    await page.keyboard.press('Escape')
    await expectLine(page, 'Priya Shah removed Sam Lee')

    // B's list drops it at once, and the thread is gone from his screen.
    await expect(samRow).toHaveCount(0)
    await expect(samPage.getByTestId('thread')).toHaveCount(0)

    // And the API refuses it to B's session: a fresh socket on the cookie his browser holds.
    const samAgain = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie(samContext, server.url) } })
    sockets.push(samAgain)
    expect(await samAgain.raw('messages:list', { conversationId: threadId })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect((await samAgain.request('conversations:list', {})).map((c) => c.id)).not.toContain(threadId)
    // A still reads it.
    expect((await priya.request('messages:list', { conversationId: threadId })).length).toBeGreaterThan(0)
  } finally {
    for (const socket of sockets) socket.close()
    await samContext.close()
  }

  async function addSam(p: Page): Promise<void> {
    await p.getByTestId('participants-open').click()
    const panel = p.getByTestId('participants-panel')
    await expect(panel).toBeVisible()
    await expect(panel.getByTestId('participant-row')).toHaveCount(1)
    await panel.getByTestId('participant-add').click()
    await panel.getByTestId('participant-add-select').selectOption(SAM)
    await panel.getByTestId('participant-add-confirm').click()
    await expect(panel.getByTestId('participant-row')).toHaveCount(2)
    await p.keyboard.press('Escape')
    await expect(panel).toBeHidden()
  }
})

test('an administrator exports the whole organization and downloads it from the browser @team', async ({ page, team }) => {
  const { server } = team
  await page.goto(server.url)
  await passwordSignIn(page, 'priya', ADMIN_PASSWORD)
  await expect(page.getByTestId('filter-all')).toBeVisible()
  await page.goto(`${server.url}/#/settings`)
  await page.getByTestId('export-organization').check()
  await page.getByTestId('export-run').click()
  await expect(page.getByTestId('export-result')).toContainText('Exported')

  // The archive was written on the server; the browser takes it home as one zip.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()])
  expect(download.suggestedFilename()).toMatch(/^greenline-export-\d{8}T\d{6}Z(-\d+)?\.zip$/)
  const folder = download.suggestedFilename().replace(/\.zip$/, '')
  const entries = unzipSync(new Uint8Array(await readFile(await download.path())))
  const manifest = JSON.parse(Buffer.from(entries[`${folder}/manifest.json`]).toString('utf8')) as {
    format: string
    files: Array<{ path: string; sha256: string }>
  }
  expect(manifest.format).toBe('greenline-export/1')
  for (const file of manifest.files) {
    const bytes = entries[`${folder}/${file.path}`]
    expect(bytes, file.path).toBeDefined()
    expect(createHash('sha256').update(bytes).digest('hex'), file.path).toBe(file.sha256)
  }
})
