// Steps the group tests share, whatever host they run against (the browser host or the team server).
import { expect, type Page } from '@playwright/test'

type Sandbox = <T = any>(path: string, body?: unknown) => Promise<T>

export async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text)
  await page.getByTestId('composer-send').click()
}

export async function expectLine(page: Page, text: string): Promise<void> {
  await expect(page.getByTestId('system-line').filter({ hasText: text })).toBeVisible()
}

/** What the sandbox delivered to a phone as text, oldest first. */
export async function textsTo(sandbox: Sandbox, phone: string): Promise<string[]> {
  const deliveries = await sandbox<Array<{ type: string; text?: string }>>(`/sandbox/deliveries?phone=${encodeURIComponent(phone)}`)
  return deliveries.flatMap((d) => (d.type === 'text' && d.text ? [d.text] : []))
}

/**
 * From a contact's history: starts a WhatsApp thread, sends `first` with the opt-in request, has the
 * guest tap Yes once the request reached their phone, and waits for `first` to arrive. Resolves the thread id.
 */
export async function startConsentedThread(
  page: Page,
  base: string,
  contactId: string,
  phone: string,
  sandbox: Sandbox,
  first: string,
): Promise<string> {
  await page.goto(`${base}/#/contacts/${contactId}/history`)
  await page.getByTestId('start-whatsapp').click()
  await expect(page.getByTestId('thread')).toBeVisible()
  const threadId = /#\/messages\/([^/?]+)/.exec(page.url())![1]
  await send(page, first)
  await page.getByTestId('optin-confirm').click()
  // The guest can only tap Yes on an opt-in request that has reached their phone.
  const path = encodeURIComponent(phone)
  await expect.poll(async () => (await sandbox<any[]>(`/sandbox/deliveries?phone=${path}`)).some((d) => d.type === 'template')).toBe(true)
  await sandbox(`/sandbox/users/${path}/messages`, { buttonPayload: 'CONSENT_YES' })
  await expect.poll(() => textsTo(sandbox, phone), { message: 'the first message arrives once the guest agrees' }).toContain(first)
  return threadId
}
