import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { api, expect, test } from './fixtures'

/** Everyday-experience fixes from issue 20, each checked the way an office user notices it. */

const ANA = '+14155550101'

test('the WhatsApp button on Contact Details asks before reopening an open thread @ux', async ({ page, greenline }) => {
  const ana = await api(greenline, 'priya', 'contacts:create', { name: 'Ana Souza', phone: ANA })
  const first = await api(greenline, 'priya', 'conversations:start', { contactId: ana.id, channel: 'whatsapp', requestConsent: false })
  await greenline.open(page, 'priya')
  await page.goto(`${greenline.url}/#/contacts/${ana.id}`)

  await page.getByTestId('contact-whatsapp').click()
  await expect(page.getByRole('heading', { name: 'Continue the last conversation or start a new one?' })).toBeVisible()
  await page.getByTestId('continue-thread').click()
  await expect(page).toHaveURL(new RegExp(`#/messages/${first.id}$`))

  await page.goto(`${greenline.url}/#/contacts/${ana.id}`)
  await page.getByTestId('contact-whatsapp').click()
  await page.getByTestId('start-new-thread').click()
  await expect(page).toHaveURL(/#\/messages\/[^/]+$/)
  expect(page.url()).not.toContain(first.id)
})

test('a message arriving elsewhere shows on the nav, the title, a notification and a sound, each switchable @ux', async ({
  page,
  greenline,
}) => {
  await api(greenline, 'priya', 'contacts:create', { name: 'Ana Souza', phone: ANA })
  await page.context().grantPermissions(['notifications'])
  await page.addInitScript(() => {
    const w = window as unknown as { notes: Array<{ title: string; body?: string; click(): void }>; chimes: number }
    w.notes = []
    w.chimes = 0
    const Real = window.Notification
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options)
        w.notes.push({ title, body: options?.body, click: () => this.onclick?.(new Event('click')) })
      }
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Real.permission })
    window.Notification = Recorded
    const create = AudioContext.prototype.createOscillator
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.chimes += 1
      return create.call(this)
    }
  })
  await greenline.open(page, 'priya')
  await page.getByTestId('nav-contacts').click()
  await expect(page).toHaveTitle('Greenline')

  await greenline.sandbox(`/sandbox/users/${encodeURIComponent(ANA)}/messages`, { text: 'Are you open on Saturday?' })
  await expect(page.getByTestId('nav-unread')).toHaveText('1 unread')
  await expect(page).toHaveTitle('(1) Greenline')
  await expect
    .poll(() => page.evaluate(() => (window as any).notes.map((n: any) => [n.title, n.body])))
    .toEqual([['Ana Souza', 'Are you open on Saturday?']])
  expect(await page.evaluate(() => (window as any).chimes)).toBeGreaterThan(0)

  // Clicking the notification opens the thread, which reads it.
  await page.evaluate(() => (window as any).notes[0].click())
  await expect(page.getByTestId('thread')).toContainText('Are you open on Saturday?')
  await expect(page).toHaveTitle('Greenline')
  await expect(page.getByTestId('nav-unread')).toBeHidden()

  // Both switched off in Settings: the badge and title still count, nothing pops up or rings.
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('settings-notifications').uncheck()
  await page.getByTestId('settings-sound').uncheck()
  const chimes = await page.evaluate(() => (window as any).chimes)
  await greenline.sandbox(`/sandbox/users/${encodeURIComponent(ANA)}/messages`, { text: 'Or Sunday?' })
  await expect(page).toHaveTitle('(1) Greenline')
  expect(await page.evaluate(() => [(window as any).notes.length, (window as any).chimes])).toEqual([1, chimes])
})

test('the Messages list stays small with hundreds of threads and filters by name @ux', async ({ page, greenline }) => {
  test.setTimeout(120_000)
  for (let i = 0; i < 300; i++) {
    const phone = `+1415556${String(i).padStart(4, '0')}`
    const name = i === 150 ? 'Chloé Martin' : `Customer ${String(i).padStart(3, '0')}`
    const contact = await api(greenline, 'priya', 'contacts:create', { name, phone })
    await api(greenline, 'priya', 'conversations:start', { contactId: contact.id, channel: 'sms' })
  }
  await greenline.open(page, 'priya')
  const rows = page.getByTestId('conversation-row')
  await expect(rows.first()).toBeVisible()
  // Only about a screenful of rows exists, however many threads there are.
  expect(await rows.count()).toBeLessThan(40)
  await page.getByTestId('conversations-query').fill('chloe')
  await expect(rows).toHaveCount(1)
  await expect(rows).toContainText('Chloé Martin')
  await expect(rows.locator('.avatar')).toHaveText(/^CM/)
  await page.getByTestId('conversations-query').fill('nobody')
  await expect(page.getByTestId('conversations-empty')).toHaveText('No conversation with that name.')
})

test('a thread has date separators, one time style, and no repeated names one-to-one @ux', async ({ page, greenline }) => {
  const ana = await api(greenline, 'priya', 'contacts:create', { name: 'Ana Souza', phone: ANA })
  const thread = await api(greenline, 'priya', 'conversations:start', { contactId: ana.id, channel: 'sms' })
  await api(greenline, 'priya', 'messages:send', { conversationId: thread.id, text: 'Your order is ready' })
  await greenline.sandbox(`/sandbox/users/${encodeURIComponent(ANA)}/sms`, { text: 'Great, thanks' })
  await greenline.open(page, 'priya')
  await page.goto(`${greenline.url}/#/messages/${thread.id}`)
  const bubbles = page.getByTestId('message-bubble')
  await expect(bubbles.filter({ hasText: 'Great, thanks' })).toBeVisible()
  await expect(page.getByTestId('day-separator')).toHaveText(['Today'])
  // One-to-one: neither Priya's nor Ana's name repeats on each bubble (the header says who).
  await expect(bubbles.locator('.author')).toHaveCount(0)
  await expect(bubbles.first().locator('time')).toHaveText(/^\d{2}:\d{2}( [AP]M)?$/)

  // With a colleague in the thread, names come back.
  await api(greenline, 'priya', 'conversations:addParticipant', { id: thread.id, userId: 'sam' })
  await expect(bubbles.locator('.author')).toHaveText(['Priya Shah', 'Ana Souza'])
})

test('a Windows (windows-1252) CSV keeps its accents, with a preview before importing @ux', async ({ page, greenline }) => {
  const dir = mkdtempSync(join(tmpdir(), 'greenline-ux-'))
  const path = join(dir, 'outlook.csv')
  // What Outlook/Excel on Windows writes: "é" is the single byte 0xE9.
  writeFileSync(path, Buffer.from('Name;Mobile Phone;Notes\r\nChlo\xe9 Martin;+14155550123;VIP\r\n;+14155550124;no name\r\n', 'latin1'))
  await greenline.open(page, 'priya')
  await page.getByTestId('nav-contacts').click()
  await page.getByTestId('contacts-import').click()
  await page.getByTestId('import-file').setInputFiles(path)

  const preview = page.getByTestId('import-preview')
  await expect(preview).toContainText('2 lines · read as Windows (Western European)')
  await expect(preview.locator('th')).toHaveText([/Name\s*→ Name/, /Mobile Phone\s*→ Phone/, /Notes\s*not imported/])
  await expect(page.getByTestId('import-preview-row').first()).toContainText('Chloé Martin')
  await page.getByTestId('import-confirm').click()

  await expect(page.getByTestId('import-summary')).toContainText('Imported 1 contact, skipped 1')
  await expect(page.getByTestId('import-skipped')).toHaveText([/Line 3\s*No name/])
  await page.getByTestId('import-close').click()
  await expect(page.getByTestId('contact-row').filter({ hasText: 'Chloé Martin' })).toBeVisible()
})
