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
