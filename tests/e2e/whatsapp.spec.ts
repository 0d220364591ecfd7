import { expect, test } from './fixtures'

const ANA = '+14155550101'

/**
 * The phone simulator page (the sandbox playing Meta's side) and Greenline in one Chromium: the
 * WhatsApp user taps Yes on the opt-in request and writes; the office user sees it and answers.
 */
test('a message typed on the phone simulator appears in Greenline, and the answer reaches the phone @whatsapp', async ({
  page,
  context,
  greenline,
}) => {
  const dispatch = async (channel: string, payload: unknown) => {
    const result = await greenline.host.engine.dispatch({ userId: 'priya' }, channel, payload)
    if (!result.ok) throw new Error(result.error.message)
    return result.value as { id: string }
  }
  const contact = await dispatch('contacts:create', { name: 'Ana Souza', phone: ANA })
  const conversation = await dispatch('conversations:start', { contactId: contact.id, channel: 'whatsapp' })

  const phone = await context.newPage()
  await phone.goto(`${greenline.sandboxUrl}/?user=${encodeURIComponent(ANA)}`)
  await expect(phone.getByTestId('sim-consent-yes')).toBeVisible()
  // The chat header names the business the opt-in request speaks for, as WhatsApp's verified name would.
  const optIn = phone.locator('[data-testid="sim-message"][data-from="business"]').first()
  await expect(optIn).toContainText('Greenline Demo')
  await expect(phone.locator('#sim-business')).toContainText('Greenline Demo')
  await phone.getByTestId('sim-consent-yes').click()
  await phone.getByTestId('sim-compose').fill('Hi! Is my appointment still on for Friday?')
  await phone.getByTestId('sim-send').click()

  await greenline.open(page, 'priya')
  await expect(page.getByTestId('filter-all')).toBeVisible()
  await page.goto(`${greenline.url}/#/messages/${conversation.id}`)
  await expect(page.getByTestId('message-bubble').filter({ hasText: 'Is my appointment still on for Friday?' })).toBeVisible()
  await expect(page.getByTestId('state-banner')).toHaveAttribute('data-state', 'active')

  await page.getByTestId('composer-input').fill('Yes, Friday at 10:00. See you then!')
  await page.getByTestId('composer-input').press('Enter')
  await expect(phone.locator('[data-testid="sim-message"][data-from="business"]').filter({ hasText: 'Friday at 10:00' })).toBeVisible()
})
