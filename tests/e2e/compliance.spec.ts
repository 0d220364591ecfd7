import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { api, expect, launchGreenline, test } from './fixtures'

const BLOCK_REASON = 'Social security numbers must not be sent'
const WARN_REASON = 'Avoid promising outcomes'

/** An org policy file with one block and one warn lexicon rule. */
function orgFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'greenline-org-')), 'org.json')
  writeFileSync(
    path,
    JSON.stringify({
      name: 'Compliance Dental',
      users: [{ id: 'priya', name: 'Priya Shah' }],
      whatsapp: { enabled: true },
      lexicon: [
        { name: 'ssn', pattern: '\\b\\d{3}-\\d{2}-\\d{4}\\b', action: 'block', reason: BLOCK_REASON },
        { name: 'promises', pattern: 'guarantee', flags: 'i', action: 'warn', reason: WARN_REASON },
      ],
    }),
  )
  return path
}

test('lexicon rules: a blocked message is refused with its reason, a warning asks before sending @compliance', async ({ page }) => {
  test.setTimeout(90_000)
  const greenline = await launchGreenline({ orgFile: orgFile() })
  try {
    const ben = await api(greenline, 'priya', 'contacts:create', { name: 'Ben Okafor', phone: '+14155550102' })
    const thread = await api(greenline, 'priya', 'conversations:start', { contactId: ben.id, channel: 'sms' })
    const outbound = async () =>
      (await api(greenline, 'priya', 'messages:list', { conversationId: thread.id }))
        .filter((m) => m.direction === 'out')
        .map((m) => m.text)

    await greenline.open(page, 'priya')
    await page.goto(`${greenline.url}/#/messages/${thread.id}`)
    await expect(page.getByTestId('thread')).toBeVisible()
    const input = page.getByTestId('composer-input')

    // Block: the reason is shown and nothing is queued.
    await input.fill('Her SSN is 123-45-6789')
    await page.getByTestId('composer-send').click()
    await expect(page.getByRole('alert').filter({ hasText: BLOCK_REASON })).toBeVisible()
    expect(await outbound()).toEqual([])

    // Warn: the composer explains and asks; nothing goes until the user confirms.
    await input.fill('We guarantee a full refund')
    await page.getByTestId('composer-send').click()
    const warning = page.getByTestId('lexicon-warning')
    await expect(warning).toBeVisible()
    await expect(warning).toContainText(WARN_REASON)
    expect(await outbound()).toEqual([])
    await page.getByTestId('lexicon-send-anyway').click()
    await expect.poll(outbound).toEqual(['We guarantee a full refund'])
    await expect(warning).toBeHidden()

    // Both matches are in the audit log, by rule name.
    const audit = await api(greenline, 'priya', 'audit:list', { conversationId: thread.id })
    expect(
      audit
        .map((a) => a.action)
        .filter((a) => a.startsWith('lexicon.'))
        .sort(),
    ).toEqual(['lexicon.block', 'lexicon.warn', 'lexicon.warn'])
  } finally {
    await greenline.host.close()
  }
})

test('exports an archive from Settings, and it matches its manifest @compliance', async ({ page, greenline }) => {
  const ana = await api(greenline, 'priya', 'contacts:create', { name: 'Ana Souza', phone: '+14155550101' })
  const thread = await api(greenline, 'priya', 'conversations:start', { contactId: ana.id, channel: 'sms' })
  for (const text of ['Your crown is ready', 'See you on Friday', 'Bring your insurance card']) {
    await api(greenline, 'priya', 'messages:send', { conversationId: thread.id, text })
  }
  await greenline.open(page, 'priya')
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('export-run').click()
  await expect(page.getByTestId('export-result')).toContainText('Exported 3 messages from 1 conversations')

  const folder = (await page.getByTestId('export-result').locator('code').textContent())!.trim()
  const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { files: Array<{ path: string; sha256: string }> }
  expect(manifest.files.length).toBeGreaterThan(3)
  for (const file of manifest.files) {
    expect(
      createHash('sha256')
        .update(readFileSync(join(folder, file.path)))
        .digest('hex'),
    ).toBe(file.sha256)
  }
  const audit = await api(greenline, 'priya', 'audit:list', {})
  expect(audit.map((row) => row.action)).toContain('export.run')
})
