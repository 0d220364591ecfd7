import type { Page } from '@playwright/test'
import { send, startConsentedThread, textsTo } from './thread-steps'
import { api, expect, test, type Greenline } from './fixtures'

const ANA = '+14155550101'

async function open(page: Page, greenline: Greenline, userId: string): Promise<void> {
  await greenline.open(page, userId)
  await expect(page.getByTestId('filter-all')).toBeVisible()
}

/**
 * Issue 20 #1: Priya has a thread with Ana, starts a second one, adds Sam and leaves it; Sam writes
 * from it. Ana's replies now go to Sam's thread, and Priya's thread says so instead of staying
 * "Active" and silently deaf. Writing from Priya's thread brings the replies back.
 */
test('a thread that will not receive the contact’s replies says where they go @ux', async ({ page, greenline }) => {
  test.setTimeout(90_000)
  const ana = await api(greenline, 'priya', 'contacts:create', { name: 'Ana Souza', phone: ANA })
  await open(page, greenline, 'priya')
  const t1 = await startConsentedThread(page, greenline.url, ana.id, ANA, greenline.sandbox, 'Hi Ana, about your invoice')
  await expect(page.getByTestId('replies-elsewhere')).toBeHidden()

  const t2 = await api(greenline, 'priya', 'conversations:start', { contactId: ana.id, channel: 'whatsapp', newThread: true })
  await api(greenline, 'priya', 'conversations:addParticipant', { id: t2.id, userId: 'sam' })
  await api(greenline, 'priya', 'conversations:leave', { id: t2.id })
  await api(greenline, 'sam', 'messages:send', { conversationId: t2.id, text: 'Sam here, about the delivery' })
  await expect.poll(() => textsTo(greenline.sandbox, ANA)).toContain('Sam here, about the delivery')

  await page.goto(`${greenline.url}/#/messages/${t1}`)
  const notice = page.getByTestId('replies-elsewhere')
  await expect(notice).toContainText("Ana Souza's replies now arrive in another thread (with Sam Lee)")

  // Ana answers Sam: it lands in Sam's thread, not in Priya's.
  await greenline.sandbox(`/sandbox/users/${encodeURIComponent(ANA)}/messages`, { text: 'Thanks Sam' })
  await expect
    .poll(async () => (await api(greenline, 'sam', 'messages:list', { conversationId: t2.id })).some((m) => m.text === 'Thanks Sam'))
    .toBe(true)
  await expect(page.getByTestId('thread')).not.toContainText('Thanks Sam')

  // Priya writes again: her thread receives the replies, and the notice goes away live.
  await send(page, 'And the invoice, Ana?')
  await expect(notice).toBeHidden()
  await greenline.sandbox(`/sandbox/users/${encodeURIComponent(ANA)}/messages`, { text: 'Paid yesterday' })
  await expect(page.getByTestId('thread')).toContainText('Paid yesterday')
})
