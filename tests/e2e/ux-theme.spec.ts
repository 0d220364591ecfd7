import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import type { Contact, Conversation } from '../../electron/shared/domain'
import { expect, test, type Greenline } from './fixtures'

const ANA = '+14155550101'
const BEN = '+14155550102'
const enc = encodeURIComponent

async function seed(greenline: Greenline): Promise<Conversation> {
  const dispatch = async <T>(channel: string, payload: unknown): Promise<T> => {
    const result = await greenline.host.engine.dispatch({ userId: 'priya' }, channel, payload)
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`)
    return result.value as T
  }
  const ana = await dispatch<Contact>('contacts:create', { name: 'Ana Souza', phone: ANA })
  await dispatch<Contact>('contacts:create', { name: 'Ben Okafor', phone: BEN })
  const conversation = await dispatch<Conversation>('conversations:start', { contactId: ana.id, channel: 'whatsapp' })
  await expect.poll(async () => (await greenline.sandbox<any[]>(`/sandbox/deliveries?phone=${enc(ANA)}`)).length).toBeGreaterThan(0)
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { buttonPayload: 'CONSENT_YES' })
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { text: 'Hi, is my order ready?' })
  await greenline.sandbox(`/sandbox/users/${enc(BEN)}/sms`, { text: 'Running late' })
  return conversation
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
}

/** Times and the window countdown change from run to run: hidden from the pictures. */
const moving = (page: Page) => [page.locator('time'), page.getByTestId('state-banner-text')]

for (const theme of ['light', 'dark'] as const) {
  test(`${theme} theme: key screens look as approved and pass axe @ux`, async ({ page, greenline }) => {
    test.setTimeout(180_000)
    const conversation = await seed(greenline)
    // The system's choice is followed until Settings says otherwise.
    await page.emulateMedia({ colorScheme: theme })
    await page.setViewportSize({ width: 1280, height: 800 })
    await greenline.open(page)
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
    await expect(page.getByTestId('conversation-row')).toHaveCount(2)
    await page.getByTestId('notification-not-now').click()
    expect(await seriousViolations(page)).toEqual([])

    await page.goto(`${greenline.url}/#/messages/${conversation.id}`)
    await expect(page.getByTestId('message-bubble').filter({ hasText: 'Hi, is my order ready?', visible: true })).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])
    await expect(page).toHaveScreenshot(`thread-${theme}.png`, { mask: moving(page), maxDiffPixelRatio: 0.01 })

    await page.getByTestId('nav-contacts').click()
    await expect(page.getByText('Ben Okafor').first()).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])
    await expect(page).toHaveScreenshot(`contacts-${theme}.png`, { mask: moving(page), maxDiffPixelRatio: 0.01 })

    await page.getByTestId('nav-settings').click()
    await expect(page.getByTestId('settings-display')).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])
    await expect(page).toHaveScreenshot(`settings-${theme}.png`, { mask: moving(page), maxDiffPixelRatio: 0.01 })

    await page.getByTestId('nav-search').click()
    await page.getByTestId('search-input').fill('order')
    await expect(page.getByTestId('search-result')).toHaveCount(1)
    expect(await seriousViolations(page)).toEqual([])

    // The Settings switch overrides the system, and is remembered.
    const other = theme === 'light' ? 'dark' : 'light'
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('settings-theme').selectOption(other)
    await expect(page.locator('html')).toHaveAttribute('data-theme', other)
    await page.reload()
    await expect(page.locator('html')).toHaveAttribute('data-theme', other)
  })
}
