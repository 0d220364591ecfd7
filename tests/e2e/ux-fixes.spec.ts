import type { Page } from '@playwright/test'
import { api, expect, test, type Greenline } from './fixtures'

/** Issue 20's wrong behaviours #3, #5, #6, #8, #9 and #11, and emoji, each checked the way an office user meets it. */

const ANA = '+14155550101'
const BEN = '+14155550102'
const enc = encodeURIComponent

async function openApp(page: Page, greenline: Greenline): Promise<void> {
  await greenline.open(page, 'priya')
  await expect(page.getByTestId('filter-all')).toBeVisible()
}

async function openThread(page: Page, greenline: Greenline, id: string): Promise<void> {
  if (!page.url().startsWith(greenline.url)) await openApp(page, greenline)
  await page.goto(`${greenline.url}/#/messages/${id}`)
  await expect(page.getByTestId('thread-header')).toBeVisible()
}

const optInDelivered = (greenline: Greenline, phone: string) =>
  expect
    .poll(async () =>
      (await greenline.sandbox<Array<{ type: string }>>(`/sandbox/deliveries?phone=${enc(phone)}`)).some((d) => d.type === 'template'),
    )
    .toBe(true)

/** Priya's thread with Ana, who said Yes to the opt-in: open in the window, the 24-hour window open. */
async function openAnasActiveThread(page: Page, greenline: Greenline): Promise<void> {
  const ana = await api(greenline, 'priya', 'contacts:create', { name: 'Ana Souza', phone: ANA })
  const thread = await api(greenline, 'priya', 'conversations:start', { contactId: ana.id, channel: 'whatsapp' })
  await optInDelivered(greenline, ANA)
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { buttonPayload: 'CONSENT_YES' })
  await openThread(page, greenline, thread.id)
  await expect(page.getByTestId('state-banner')).toHaveAttribute('data-state', 'active')
}

test('search finds a thread that was transferred and ended, says so, and credits system lines to Greenline @ux', async ({
  page,
  greenline,
}) => {
  const ana = await api(greenline, 'priya', 'contacts:create', { name: 'Ana Souza', phone: ANA })
  const thread = await api(greenline, 'priya', 'conversations:start', { contactId: ana.id, channel: 'whatsapp', requestConsent: false })
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { text: 'The invoice for March is attached' })
  await expect.poll(async () => (await api(greenline, 'priya', 'messages:list', { conversationId: thread.id })).length).toBeGreaterThan(0)
  // Priya hands the thread to Sam, who leaves it: it ends, yet Priya can still open it from History.
  await api(greenline, 'priya', 'conversations:transfer', { id: thread.id, toUserId: 'sam' })
  await api(greenline, 'sam', 'conversations:leave', { id: thread.id })

  await openApp(page, greenline)
  await page.getByTestId('nav-search').click()
  await page.getByTestId('search-input').fill('invoice')
  const group = page.getByTestId('search-group')
  await expect(group).toHaveCount(1)
  await expect(group.getByTestId('search-result')).toContainText('The invoice for March')
  await expect(group.getByTestId('search-group-status')).toHaveText('Ended · you had left it')
  await group.getByTestId('search-result').click()
  await expect(page.getByTestId('message-bubble').filter({ hasText: 'The invoice for March' })).toBeVisible()

  // A system line of that thread is written by nobody: never "You".
  await page.getByTestId('nav-search').click()
  await page.getByTestId('search-input').fill('transferred')
  const system = page.getByTestId('search-result').first()
  await expect(system).toBeVisible()
  await expect(system.getByTestId('search-result-author')).toHaveText('Greenline')
})

test('a contact without a name is refused on the field, in plain words, before saving @ux', async ({ page, greenline }) => {
  await openApp(page, greenline)
  await page.getByTestId('nav-contacts').click()
  await page.getByTestId('contact-add').click()
  await page.getByTestId('contact-form-phone').fill('+1 415 555 0101')
  // Leaving the empty name field is enough to be told.
  await page.getByTestId('contact-form-name').focus()
  await page.getByTestId('contact-form-phone').focus()
  const error = page.getByTestId('contact-form-error')
  await expect(error).toHaveText('Enter a name for this contact.')
  await expect(page.getByTestId('contact-form-name')).toHaveAttribute('aria-describedby', 'contact-form-error')
  await page.getByTestId('contact-form-save').click()
  await expect(error).toHaveText('Enter a name for this contact.')
  await expect(page.getByTestId('contact-form-name')).toBeFocused()
  await expect(page.getByText(/Invalid contacts:create request/)).toHaveCount(0)
  expect(await api(greenline, 'priya', 'contacts:list', {})).toHaveLength(0)
  // The typed number is kept while the name is fixed.
  await expect(page.getByTestId('contact-form-phone')).toHaveValue('+1 415 555 0101')
  await page.getByTestId('contact-form-name').fill('Ana Souza')
  await page.getByTestId('contact-form-save').click()
  await expect(page.getByTestId('contact-form-error')).toHaveCount(0)
  await expect.poll(async () => (await api(greenline, 'priya', 'contacts:list', {})).map((c) => c.name)).toEqual(['Ana Souza'])
})

test('a declined opt-in reads as a decline, not an opt-out; "waiting" only once the request went @ux', async ({ page, greenline }) => {
  const ana = await api(greenline, 'priya', 'contacts:create', { name: 'Ana Souza', phone: ANA })
  const unasked = await api(greenline, 'priya', 'conversations:start', { contactId: ana.id, channel: 'whatsapp', requestConsent: false })
  await openThread(page, greenline, unasked.id)
  const banner = page.getByTestId('state-banner')
  await expect(banner).toHaveText('Not asked yet — your first message asks Ana Souza to accept WhatsApp messages')

  const ben = await api(greenline, 'priya', 'contacts:create', { name: 'Ben Carter', phone: BEN })
  const asked = await api(greenline, 'priya', 'conversations:start', { contactId: ben.id, channel: 'whatsapp' })
  await optInDelivered(greenline, BEN)
  await openThread(page, greenline, asked.id)
  await expect(banner).toHaveText('Waiting for consent — messages will be sent once Ben Carter accepts')

  await greenline.sandbox(`/sandbox/users/${enc(BEN)}/messages`, { buttonPayload: 'CONSENT_NO' })
  await expect(banner).toHaveText('Declined — Ben Carter said no to WhatsApp messages; they can opt in by writing to you')
  await expect(banner).not.toContainText('Opted out')
  await expect(page.getByTestId('composer-input')).toBeDisabled()
})

test('a thread opens at its newest message every time, without the new-messages pill @ux', async ({ page, greenline }) => {
  const threads = []
  for (const [name, phone] of [
    ['Ana Souza', ANA],
    ['Ben Carter', BEN],
  ]) {
    const person = await api(greenline, 'priya', 'contacts:create', { name, phone })
    threads.push(await api(greenline, 'priya', 'conversations:start', { contactId: person.id, channel: 'whatsapp', requestConsent: false }))
    for (let i = 0; i < 80; i++) await greenline.sandbox(`/sandbox/users/${enc(phone)}/messages`, { text: `${name} line ${i}` })
  }
  for (const thread of threads) {
    await expect
      .poll(async () => (await api(greenline, 'priya', 'messages:list', { conversationId: thread.id, limit: 500 })).length)
      .toBe(80)
  }
  await openApp(page, greenline)
  // Back and forth, as a user switches threads: each time the newest line is in view.
  for (let round = 0; round < 3; round++) {
    for (const [index, thread] of threads.entries()) {
      await openThread(page, greenline, thread.id)
      const name = index === 0 ? 'Ana Souza' : 'Ben Carter'
      await expect(page.getByTestId('message-bubble').filter({ hasText: `${name} line 79`, visible: true })).toBeInViewport()
      await expect(page.getByTestId('new-messages-pill')).toBeHidden()
    }
  }
})

test('a message released by a reply sits after that reply, as on the phone, showing when it was written and sent @ux', async ({
  page,
  greenline,
}) => {
  await openAnasActiveThread(page, greenline)

  // A day later the window is closed: the question waits for Ana.
  await greenline.sandbox('/sandbox/clock', { advanceMs: 25 * 3_600_000 })
  await page.getByTestId('composer-input').fill('Are you still coming on Friday?')
  await page.getByTestId('composer-input').press('Enter')
  const question = page.getByTestId('message-bubble').filter({ hasText: 'Are you still coming on Friday?' })
  await expect(question).toHaveAttribute('data-status', 'held')

  // Two hours later she writes; her message opens the window and the question goes after it.
  await greenline.sandbox('/sandbox/clock', { advanceMs: 2 * 3_600_000 })
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { text: 'Sorry, I was away' })
  await expect(question).toHaveAttribute('data-status', /sent|delivered|read/)
  const phoneLog = await greenline.sandbox<Array<{ text?: string }>>(`/sandbox/users/${enc(ANA)}/chat`)
  expect(JSON.stringify(phoneLog)).toContain('Are you still coming on Friday?')
  // On screen (the virtual list's DOM order is not its visual order): the question below the reply.
  const reply = page.getByTestId('message-bubble').filter({ hasText: 'Sorry, I was away' })
  const releasedAfterReply = async () => {
    const [above, below] = [await reply.boundingBox(), await question.boundingBox()]
    return above !== null && below !== null && below.y > above.y
  }
  await expect.poll(releasedAfterReply).toBe(true)
  // Also when the thread is opened afresh (loaded from the store, not as it happened live).
  await page.reload()
  await expect(question).toBeVisible()
  await expect.poll(releasedAfterReply).toBe(true)
  const times = question.getByTestId('message-released-times')
  await expect(times).toContainText(/written .+ · sent .+/)
  const [written, sent] = await times.locator('time').evaluateAll((nodes) => nodes.map((n) => Date.parse(n.getAttribute('datetime')!)))
  expect(sent - written).toBeGreaterThanOrEqual(2 * 3_600_000)
})

test('an emoji typed as :shortcode: or picked from the grid reaches the phone as the emoji @ux', async ({ page, greenline }) => {
  await openAnasActiveThread(page, greenline)

  const input = page.getByTestId('composer-input')
  await input.fill('Your order is ready :tad')
  await expect(page.getByTestId('emoji-suggestion').first()).toContainText('🎉')
  // Enter takes the suggestion; it does not send the half-typed code.
  await input.press('Enter')
  await expect(input).toHaveValue('Your order is ready 🎉')
  await page.getByTestId('emoji-open').click()
  const choice = page.getByTestId('emoji-choice').first()
  const picked = (await choice.textContent())!.trim()
  await choice.click()
  await expect(input).toHaveValue(`Your order is ready 🎉${picked}`)
  await input.press('Enter')

  await expect
    .poll(async () =>
      (await greenline.sandbox<Array<{ type: string; text?: string }>>(`/sandbox/deliveries?phone=${enc(ANA)}`)).map((d) => d.text),
    )
    .toContain(`Your order is ready 🎉${picked}`)
})
