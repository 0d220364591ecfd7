import { WsClient } from '../helpers/ws-client'
import { expect, test } from './fixtures'

const ANA = '+14155550101'

test('replies from the quick-reply popover and the message reaches the WhatsApp user @desktop', async ({ page, greenline }) => {
  const client = await WsClient.connect(greenline.url, { token: greenline.host.token, user: 'priya' })
  const contact = await client.request('contacts:create', { name: 'Ana Souza', phone: ANA })
  const conversation = await client.request('conversations:start', { contactId: contact.id, channel: 'whatsapp' })
  await greenline.sandbox(`/sandbox/users/${encodeURIComponent(ANA)}/messages`, { buttonPayload: 'CONSENT_YES' })
  await client.waitFor('conversations:changed', (c) => c.id === conversation.id && c.consent === 'granted')
  await greenline.sandbox(`/sandbox/users/${encodeURIComponent(ANA)}/messages`, { text: 'Is my crown ready?' })
  await client.waitFor('messages:changed', (m) => m.conversationId === conversation.id && m.text === 'Is my crown ready?')

  // The popover is the bare renderer route the tray's small window loads.
  await page.addInitScript(() => localStorage.setItem('greenline.user', 'priya'))
  await page.goto(greenline.host.openUrl)
  await expect(page.getByTestId('nav-messages')).toBeVisible()
  await page.goto(`${greenline.url}/#/quick-reply/${encodeURIComponent(conversation.id)}`)
  await expect(page.getByTestId('quick-reply-title')).toHaveText('Ana Souza')
  await expect(page.getByTestId('nav-messages')).toHaveCount(0)
  await expect(page.getByTestId('quick-reply-message').filter({ hasText: 'Is my crown ready?' })).toBeVisible()

  await page.getByTestId('quick-reply-input').fill('Yes, come by at 3')
  await page.getByTestId('quick-reply-send').click()
  await expect(page.getByTestId('quick-reply-input')).toHaveValue('')
  await expect(page.getByTestId('quick-reply-message').filter({ hasText: 'Yes, come by at 3' })).toHaveAttribute('data-direction', 'out')

  await expect
    .poll(async () =>
      (await greenline.sandbox<Array<{ text?: string }>>(`/sandbox/deliveries?phone=${encodeURIComponent(ANA)}`)).map((d) => d.text),
    )
    .toContain('Yes, come by at 3')
  // Opening the popover read the conversation.
  await expect.poll(async () => (await client.request('conversations:get', { id: conversation.id })).unread).toBe(0)
  client.close()
})

test('without a conversation the popover lists unread conversations to pick from @desktop', async ({ page, greenline }) => {
  const client = await WsClient.connect(greenline.url, { token: greenline.host.token, user: 'priya' })
  const contact = await client.request('contacts:create', { name: 'Ben Okafor', phone: '+14155550102' })
  const conversation = await client.request('conversations:start', { contactId: contact.id, channel: 'whatsapp', requestConsent: false })
  await greenline.sandbox('/sandbox/users/%2B14155550102/messages', { text: 'Hello?' })
  await client.waitFor('conversations:changed', (c) => c.id === conversation.id && c.unread > 0)

  await page.addInitScript(() => localStorage.setItem('greenline.user', 'priya'))
  await page.goto(greenline.host.openUrl)
  await expect(page.getByTestId('nav-messages')).toBeVisible()
  await page.goto(`${greenline.url}/#/quick-reply`)
  await page.getByTestId('quick-reply-pick').filter({ hasText: 'Ben Okafor' }).click()
  await expect(page.getByTestId('quick-reply-title')).toHaveText('Ben Okafor')
  await expect(page.getByTestId('quick-reply-message').filter({ hasText: 'Hello?' })).toBeVisible()
  client.close()
})
