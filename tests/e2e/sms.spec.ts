import type { Page } from '@playwright/test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO_USERS } from '../../electron/launcher/demo-org'
import { api, test as base, expect, launchGreenline, type Greenline } from './fixtures'

const DAN = '+14155550199'
const enc = encodeURIComponent

/** Greenline with `sms.provider = "twilio"`: SMS go through the Twilio provider to the sandbox's Twilio surface. */
const test = base.extend<{ greenline: Greenline }>({
  // eslint-disable-next-line no-empty-pattern
  greenline: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'greenline-sms-e2e-'))
    const orgFile = join(dir, 'org.json')
    writeFileSync(orgFile, JSON.stringify({ name: 'Greenline SMS', users: DEMO_USERS, sms: { provider: 'twilio' } }))
    const greenline = await launchGreenline({ orgFile, dataDir: join(dir, 'data') })
    await use(greenline)
    await greenline.host.close()
  },
})

const bubble = (page: Page, text: string) => page.getByTestId('message-bubble').filter({ hasText: text, visible: true })

test('a contact not on WhatsApp gets an SMS through Twilio and the reply shows in the same history @sms', async ({ page, greenline }) => {
  const dan = await api(greenline, 'priya', 'contacts:create', { name: 'Dan Notonwa', phone: DAN })
  const whatsapp = await api(greenline, 'priya', 'conversations:start', { contactId: dan.id, channel: 'whatsapp' })
  await greenline.open(page)
  await expect(page.getByTestId('filter-all')).toBeVisible()
  await page.goto(`${greenline.url}/#/messages/${whatsapp.id}`)
  await expect(page.getByTestId('state-banner')).toHaveAttribute('data-state', 'not_on_whatsapp')
  await page.getByTestId('banner-sms').click()
  await expect(page.getByTestId('thread-header')).toHaveAttribute('data-channel', 'sms')

  // The composer shows how the text travels before it is sent.
  const input = page.getByTestId('composer-input')
  await input.fill('Your parts arrived — pick them up any time')
  await expect(page.getByTestId('sms-segments-summary')).toHaveText('1 SMS · UCS-2 · 28 left in this part')
  await expect(page.getByTestId('sms-segments-unicode')).toContainText('—')
  await input.fill('Your parts arrived, pick them up any time')
  await expect(page.getByTestId('sms-segments-summary')).toHaveText('1 SMS · GSM-7 · 119 left in this part')
  await input.press('Enter')
  await expect(bubble(page, 'Your parts arrived, pick them up any time')).toHaveAttribute('data-status', 'delivered')
  await expect
    .poll(async () => (await greenline.sandbox<Array<{ to: string; body: string }>>('/sandbox/twilio/messages')).map((m) => [m.to, m.body]))
    .toEqual([[DAN, 'Your parts arrived, pick them up any time']])

  await greenline.sandbox(`/sandbox/twilio/users/${enc(DAN)}/sms`, { text: 'Great, I will come at 5' })
  const reply = bubble(page, 'Great, I will come at 5')
  await expect(reply).toHaveAttribute('data-direction', 'in')
  // One history: the reply sits under the text it answers, in the thread already open.
  const texts = page.getByTestId('message-bubble').filter({ visible: true })
  await expect(texts.last()).toContainText('Great, I will come at 5')
  await expect(texts.nth(-2)).toContainText('Your parts arrived, pick them up any time')
})

test('a voicemail left through Twilio plays inline with its transcript @sms', async ({ page, greenline }) => {
  await api(greenline, 'priya', 'contacts:create', { name: 'Dan Notonwa', phone: DAN })
  await greenline.open(page)
  await greenline.sandbox(`/sandbox/twilio/users/${enc(DAN)}/voicemail`, { durationMs: 3000, transcript: 'Call me about the quote' })
  await page.getByTestId('conversation-row').and(page.locator('[data-channel="voicemail"]')).click()
  const audio = page.getByTestId('voicemail-audio')
  await expect(audio).toHaveAttribute('src', /\/media\//)
  await expect(page.getByTestId('voicemail-transcript')).toContainText('Call me about the quote')
  await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.readyState)).toBeGreaterThanOrEqual(1)
  expect(await audio.evaluate((el: HTMLAudioElement) => el.duration)).toBeGreaterThan(2.5)
  await audio.evaluate((el: HTMLAudioElement) => {
    el.muted = true
    return el.play()
  })
  await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime)).toBeGreaterThan(0)
})
