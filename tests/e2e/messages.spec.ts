import type { Page } from '@playwright/test'
import type { Contact, Conversation } from '../../electron/shared/domain'
import { api, expect, test, type Greenline } from './fixtures'

const ANA = '+14155550101'
const BEN = '+14155550102'
const DAN = '+14155550199'
const enc = encodeURIComponent

/** Calls the engine as an org user (what the renderer does over the WebSocket). */

function contact(greenline: Greenline, name: string, phone: string): Promise<Contact> {
  return api(greenline, 'priya', 'contacts:create', { name, phone })
}

/** A WhatsApp thread with the opt-in not sent yet (the composer asks first). */
function whatsappThread(greenline: Greenline, contactId: string, newThread = false): Promise<Conversation> {
  return api(greenline, 'priya', 'conversations:start', {
    contactId,
    channel: 'whatsapp',
    requestConsent: false,
    ...(newThread ? { newThread } : {}),
  })
}

/** A thread where the contact consented and wrote: the 24 h window is open. */
async function activeThread(greenline: Greenline, page: Page, name = 'Ana Souza', phone = ANA): Promise<Conversation> {
  const c = await contact(greenline, name, phone)
  const conversation = await api(greenline, 'priya', 'conversations:start', { contactId: c.id, channel: 'whatsapp' })
  await expect
    .poll(async () => (await greenline.sandbox<any[]>(`/sandbox/deliveries?phone=${enc(phone)}`)).some((d) => d.type === 'template'))
    .toBe(true)
  await greenline.sandbox(`/sandbox/users/${enc(phone)}/messages`, { buttonPayload: 'CONSENT_YES' })
  await openThread(page, greenline, conversation.id)
  await expect(page.getByTestId('state-banner')).toHaveAttribute('data-state', 'active')
  return conversation
}

/**
 * Opens the app and waits for the first route to render: the router listens for address changes
 * only after its first navigation, so going to another hash before that would be missed.
 */
async function openApp(page: Page, greenline: Greenline): Promise<void> {
  await greenline.open(page)
  await expect(page.getByTestId('filter-all')).toBeVisible()
}

async function goTo(page: Page, greenline: Greenline, path: string): Promise<void> {
  if (!page.url().startsWith(greenline.url)) await openApp(page, greenline)
  await page.goto(`${greenline.url}/#${path}`)
}

async function openThread(page: Page, greenline: Greenline, id: string): Promise<void> {
  await goTo(page, greenline, `/messages/${id}`)
  await expect(page.getByTestId('thread-header')).toBeVisible()
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text)
  await page.getByTestId('composer-input').press('Enter')
}

const bubble = (page: Page, text: string) => page.getByTestId('message-bubble').filter({ hasText: text, visible: true })

test('the unified list shows WhatsApp, SMS and voicemail threads with filters @messages', async ({ page, greenline }) => {
  await contact(greenline, 'Ana Souza', ANA)
  await openApp(page, greenline)
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { text: 'Hello on WhatsApp' })
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/sms`, { text: 'Hello by SMS' })
  await greenline.sandbox(`/sandbox/users/${enc(BEN)}/voicemail`, { durationMs: 2000, transcript: 'Please call me back' })

  const rows = page.getByTestId('conversation-row')
  await expect(rows).toHaveCount(3)
  await expect(rows.and(page.locator('[data-channel="whatsapp"]'))).toContainText('Hello on WhatsApp')
  await expect(rows.and(page.locator('[data-channel="sms"]'))).toContainText('Hello by SMS')
  await expect(rows.and(page.locator('[data-channel="voicemail"]'))).toContainText('Please call me back')
  // Newest activity first.
  await expect(rows.first()).toHaveAttribute('data-channel', 'voicemail')
  await expect(rows.and(page.locator('[data-channel="whatsapp"]')).getByTestId('state-chip')).toBeVisible()

  for (const channel of ['whatsapp', 'sms', 'voicemail'] as const) {
    await page.getByTestId(`filter-${channel}`).click()
    await expect(rows).toHaveCount(1)
    await expect(rows.first()).toHaveAttribute('data-channel', channel)
  }
  await page.getByTestId('filter-unread').click()
  await expect(rows).toHaveCount(3)
  await rows.and(page.locator('[data-channel="sms"]')).click()
  await expect(page.getByTestId('thread-header')).toContainText('Ana Souza')
  await expect(rows).toHaveCount(2)
  await page.getByTestId('filter-all').click()
  await expect(rows).toHaveCount(3)
})

test('first message asks to send the opt-in; three queued messages go out in order after Yes @messages @policy', async ({
  page,
  greenline,
}) => {
  const ana = await contact(greenline, 'Ana Souza', ANA)
  const conversation = await whatsappThread(greenline, ana.id)
  await openThread(page, greenline, conversation.id)
  await expect(page.getByTestId('state-banner')).toHaveAttribute('data-state', 'awaiting_consent')
  await expect(page.getByTestId('state-banner')).toContainText('Not asked yet')

  await send(page, 'First question')
  await expect(page.getByRole('dialog')).toContainText('Send the opt-in request to Ana Souza? Your message will be sent once they agree.')
  await page.getByTestId('optin-confirm').click()
  await expect(bubble(page, 'First question')).toHaveAttribute('data-status', 'held')
  await expect(bubble(page, 'First question')).toContainText('Waiting for Ana Souza to accept the opt-in request')
  await expect(page.getByTestId('composer-notice')).toContainText('queued')
  await send(page, 'Second question')
  await send(page, 'Third question')
  await expect(page.getByTestId('message-bubble').and(page.locator('[data-status="held"]'))).toHaveCount(3)
  await expect(page.getByRole('dialog')).toBeHidden()

  await expect
    .poll(async () => (await greenline.sandbox<any[]>(`/sandbox/deliveries?phone=${enc(ANA)}`)).map((d) => d.type))
    .toEqual(['template'])
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { buttonPayload: 'CONSENT_YES' })
  await expect
    .poll(async () =>
      (await greenline.sandbox<any[]>(`/sandbox/deliveries?phone=${enc(ANA)}`)).filter((d) => d.type === 'text').map((d) => d.text),
    )
    .toEqual(['First question', 'Second question', 'Third question'])
  for (const text of ['First question', 'Second question', 'Third question']) {
    await expect(bubble(page, text)).toHaveAttribute('data-status', /sent|delivered/)
  }
  await expect(page.getByTestId('state-banner')).toHaveAttribute('data-state', 'active')
})

test('the state banner follows consent, the window countdown, opt-out and not-on-WhatsApp @messages @policy', async ({
  page,
  greenline,
}) => {
  await activeThread(greenline, page)
  const banner = page.getByTestId('state-banner')
  await expect(banner).toContainText('Active — window closes in 24 h')
  const minutesLeft = async () => {
    const match = /in (?:(\d+) h)? ?(?:(\d+) min)?/.exec((await banner.textContent()) ?? '')!
    return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)
  }
  const before = await minutesLeft()

  await greenline.sandbox('/sandbox/clock', { advanceMs: 3_600_000 })
  // Any activity tells the renderer the engine's time (see useServerClock).
  await send(page, 'One hour later')
  await expect(bubble(page, 'One hour later')).toHaveAttribute('data-status', /sent|delivered/)
  await expect.poll(minutesLeft).toBeLessThanOrEqual(before - 59)
  await expect(banner).toContainText(/Active — window closes in 2[23] h/)

  await greenline.sandbox('/sandbox/clock', { advanceMs: 24 * 3_600_000 })
  await send(page, 'After the window closed')
  await expect(banner).toHaveAttribute('data-state', 'inactive')
  await expect(banner).toHaveText('Inactive — messages will be sent when Ana Souza writes again')
  await expect(bubble(page, 'After the window closed')).toHaveAttribute('data-status', 'held')
  await expect(bubble(page, 'After the window closed')).toContainText('the 24-hour window is closed')

  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { text: 'STOP' })
  await expect(banner).toHaveAttribute('data-state', 'opted_out')
  await expect(banner).toHaveText('Opted out — Ana Souza asked not to be contacted')
  await expect(page.getByTestId('composer-input')).toBeDisabled()
  await expect(page.getByTestId('composer-notice')).toContainText('asked not to be contacted')

  // Dan is not on WhatsApp: the opt-in request fails and the banner offers SMS.
  const dan = await contact(greenline, 'Dan Notonwa', DAN)
  const danThread = await api(greenline, 'priya', 'conversations:start', { contactId: dan.id, channel: 'whatsapp' })
  await openThread(page, greenline, danThread.id)
  await expect(banner).toHaveAttribute('data-state', 'not_on_whatsapp')
  await expect(banner).toContainText('Not on WhatsApp — send an SMS instead')
  await expect(page.getByTestId('message-bubble').and(page.locator('[data-status="failed"]'))).toBeVisible()
  // Retrying the opt-in to a number not on WhatsApp cannot work: no Retry, the banner offers SMS.
  await expect(page.getByTestId('message-bubble').and(page.locator('[data-status="failed"]')).getByTestId('message-retry')).toHaveCount(0)
  await page.getByTestId('banner-sms').click()
  await expect(page.getByTestId('thread-header')).toHaveAttribute('data-channel', 'sms')
  await send(page, 'Texting you instead')
  await expect
    .poll(async () =>
      (await greenline.sandbox<any[]>(`/sandbox/deliveries?phone=${enc(DAN)}`)).filter((d) => d.channel === 'sms').map((d) => d.text),
    )
    .toEqual(['Texting you instead'])
})

test('statuses turn ✓ → ✓✓ → blue as the user reads @messages', async ({ page, greenline }) => {
  await activeThread(greenline, page)
  await send(page, 'Did you get this?')
  const message = bubble(page, 'Did you get this?')
  await expect(message).toHaveAttribute('data-status', /sent|delivered/)
  await expect(message).toHaveAttribute('data-status', 'delivered')
  await expect(message.getByTestId('message-status')).toContainText('✓✓')
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/read`, {})
  await expect(message).toHaveAttribute('data-status', 'read')
  const status = message.getByTestId('message-status')
  await expect(status).toHaveClass(/read/)
  const color = await status.evaluate((el) => getComputedStyle(el).color)
  expect(color).not.toBe(await message.locator('time').evaluate((el) => getComputedStyle(el).color))
})

test('a failed message is retried @messages', async ({ page, greenline }) => {
  await activeThread(greenline, page)
  await greenline.sandbox('/sandbox/chaos', { fail5xx: 1 })
  await send(page, 'This one fails first')
  const message = bubble(page, 'This one fails first')
  // Each clock step makes the next backoff retry due, until the attempts run out.
  await expect
    .poll(
      async () => {
        await greenline.sandbox('/sandbox/clock', { advanceMs: 10 * 60_000 })
        return message.getAttribute('data-status')
      },
      { timeout: 30_000 },
    )
    .toBe('failed')
  await expect(message.getByTestId('message-error')).toContainText('WhatsApp had an unexpected problem')
  await greenline.sandbox('/sandbox/chaos', { fail5xx: 0 })
  await message.getByTestId('message-retry').click()
  await expect(message).toHaveAttribute('data-status', /sent|delivered/)
  await expect(message.getByTestId('message-retry')).toHaveCount(0)
  await expect
    .poll(async () =>
      (await greenline.sandbox<any[]>(`/sandbox/deliveries?phone=${enc(ANA)}`)).filter((d) => d.type === 'text').map((d) => d.text),
    )
    .toEqual(['This one fails first'])
})

test('a voicemail plays inline and an SMS reply goes out @messages', async ({ page, greenline }) => {
  await contact(greenline, 'Ben Okafor', BEN)
  await openApp(page, greenline)
  await greenline.sandbox(`/sandbox/users/${enc(BEN)}/voicemail`, { durationMs: 2500, transcript: 'Call me about the invoice' })
  await page.getByTestId('conversation-row').and(page.locator('[data-channel="voicemail"]')).click()
  const audio = page.getByTestId('voicemail-audio')
  await expect(audio).toHaveAttribute('src', /\/media\//)
  await expect(page.getByTestId('voicemail-transcript')).toContainText('Call me about the invoice')
  await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.readyState)).toBeGreaterThanOrEqual(1)
  expect(await audio.evaluate((el: HTMLAudioElement) => el.duration)).toBeGreaterThan(2)
  await audio.evaluate((el: HTMLAudioElement) => {
    el.muted = true
    return el.play()
  })
  await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime)).toBeGreaterThan(0)

  await greenline.sandbox(`/sandbox/users/${enc(BEN)}/sms`, { text: 'Are you there?' })
  await page.getByTestId('conversation-row').and(page.locator('[data-channel="sms"]')).click()
  await expect(bubble(page, 'Are you there?')).toHaveAttribute('data-direction', 'in')
  await send(page, 'Yes, calling you now')
  await expect(bubble(page, 'Yes, calling you now')).toHaveAttribute('data-status', /sent|delivered/)
  await expect
    .poll(async () =>
      (await greenline.sandbox<any[]>(`/sandbox/deliveries?phone=${enc(BEN)}`)).filter((d) => d.channel === 'sms').map((d) => d.text),
    )
    .toEqual(['Yes, calling you now'])
})

test('a second thread with the same contact; History lists both @messages', async ({ page, greenline }) => {
  const ana = await contact(greenline, 'Ana Souza', ANA)
  const first = await whatsappThread(greenline, ana.id)
  await goTo(page, greenline, `/contacts/${ana.id}/history`)
  await expect(page.getByTestId('history-thread')).toHaveCount(1)
  await page.getByTestId('start-whatsapp').click()
  await expect(page.getByRole('dialog')).toContainText('Continue the last conversation or start a new one?')
  await page.getByTestId('continue-thread').click()
  await expect(page).toHaveURL(new RegExp(`/messages/${first.id}$`))

  await goTo(page, greenline, `/contacts/${ana.id}/history`)
  await page.getByTestId('start-whatsapp').click()
  await page.getByTestId('start-new-thread').click()
  await expect(page).not.toHaveURL(new RegExp(`/messages/${first.id}$`))
  await expect(page.getByTestId('thread-header')).toContainText('Ana Souza')
  await expect(page.getByTestId('conversation-row').and(page.locator('[data-channel="whatsapp"]'))).toHaveCount(2)

  await goTo(page, greenline, `/contacts/${ana.id}/history`)
  await expect(page.getByTestId('history-thread')).toHaveCount(2)
  await page.getByTestId('history-thread').last().click()
  await expect(page).toHaveURL(new RegExp(`/messages/${first.id}$`))
})

test('search highlights the match and jumps to the message in its thread @messages', async ({ page, greenline }) => {
  const ana = await contact(greenline, 'Ana Souza', ANA)
  const conversation = await whatsappThread(greenline, ana.id)
  for (let i = 0; i < 120; i++) {
    await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { text: i === 3 ? 'The café order is ready' : `Filler message ${i}` })
  }
  await expect
    .poll(async () => (await api(greenline, 'priya', 'messages:list', { conversationId: conversation.id, limit: 500 })).length)
    .toBe(120)
  await openApp(page, greenline)
  await page.getByTestId('nav-search').click()
  // The newest 100 hits first; older ones on request.
  await page.getByTestId('search-input').fill('filler')
  await expect(page.getByTestId('search-status')).toHaveText('100 messages in 1 conversation')
  await expect(page.getByTestId('search-result').first()).toContainText('Filler message 119')
  await page.getByTestId('search-more').click()
  await expect(page.getByTestId('search-status')).toHaveText('119 messages in 1 conversation')
  await expect(page.getByTestId('search-result').last()).toContainText('Filler message 0')
  await expect(page.getByTestId('search-more')).toBeHidden()

  await page.getByTestId('search-input').fill('CAFE')
  const result = page.getByTestId('search-result')
  await expect(result).toHaveCount(1)
  await expect(result.locator('mark')).toHaveText('café')
  await result.click()
  const target = bubble(page, 'The café order is ready')
  await expect(target).toBeVisible()
  await expect(target).toBeInViewport()
  await expect(page.getByTestId('message-bubble').filter({ hasText: 'Filler message 119' })).not.toBeInViewport()
  // Virtualized: all 120 messages are loaded, only those near the viewport are in the DOM.
  expect(await page.getByTestId('message-bubble').count()).toBeLessThan(60)

  // Scrolled up, a new message shows the pill instead of moving the view.
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { text: 'A brand new message' })
  await expect(page.getByTestId('new-messages-pill')).toBeVisible()
  await expect(target).toBeInViewport()
  await page.getByTestId('new-messages-pill').click()
  await expect(bubble(page, 'A brand new message')).toBeInViewport()
  await expect(page.getByTestId('new-messages-pill')).toBeHidden()
})

test('message text that looks like HTML is shown as text @messages', async ({ page, greenline }) => {
  let dialogs = 0
  page.on('dialog', (dialog) => {
    dialogs++
    void dialog.dismiss()
  })
  await activeThread(greenline, page)
  const attack = '<img src=x onerror=alert(1)>'
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { text: attack })
  await send(page, `${attack} sent back`)
  await expect(bubble(page, attack).first()).toContainText(attack)
  await expect(bubble(page, `${attack} sent back`)).toHaveAttribute('data-status', /sent|delivered/)
  await expect(page.getByTestId('message-list').locator('img')).toHaveCount(0)
  await expect(page.getByTestId('conversation-row').first()).toContainText(attack)
  expect(dialogs).toBe(0)
})
