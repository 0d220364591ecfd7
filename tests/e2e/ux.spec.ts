import type { RequestChannel, RequestOf, ValueOf } from '../../electron/shared/api/contract'
import { expect, test, type Greenline } from './fixtures'

/** Everyday-experience fixes from issue 20, each checked the way an office user notices it. */

const ANA = '+14155550101'

async function api<C extends RequestChannel>(greenline: Greenline, userId: string, channel: C, payload: RequestOf<C>): Promise<ValueOf<C>> {
  const result = await greenline.host.engine.dispatch({ userId }, channel, payload)
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`)
  return result.value as ValueOf<C>
}

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
