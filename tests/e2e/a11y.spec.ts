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
  await greenline.sandbox(`/sandbox/users/${enc(BEN)}/voicemail`, { durationMs: 1500, transcript: 'Call me back' })
  return conversation
}

async function openApp(page: Page, greenline: Greenline): Promise<void> {
  await greenline.open(page)
  // The router only follows address changes after its first navigation has rendered.
  await expect(page.getByTestId('filter-all')).toBeVisible()
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
}

for (const theme of ['light', 'dark'] as const) {
  test(`no serious accessibility violations on any screen, ${theme} theme @a11y`, async ({ page, greenline }) => {
    // Nine axe passes over whole screens: slow on a busy two-core machine.
    test.setTimeout(240_000)
    await page.emulateMedia({ colorScheme: theme })
    const conversation = await seed(greenline)
    const ana = (await greenline.host.engine.dispatch({ userId: 'priya' }, 'contacts:list', {})) as { ok: true; value: Contact[] }
    const anaId = ana.value.find((c) => c.name === 'Ana Souza')!.id
    await openApp(page, greenline)
    await expect(page.getByTestId('conversation-row')).toHaveCount(3)
    expect(await seriousViolations(page), 'Messages').toEqual([])

    await page.goto(`${greenline.url}/#/messages/${conversation.id}`)
    await expect(page.getByTestId('message-bubble').filter({ hasText: 'Hi, is my order ready?', visible: true })).toBeVisible()
    await expect(page.getByTestId('state-banner')).toHaveAttribute('data-state', 'active')
    expect(await seriousViolations(page), 'a thread').toEqual([])
    // The composer's emoji suggestions and picker are part of that screen.
    await page.getByTestId('composer-input').fill('Great :tad')
    await expect(page.getByTestId('emoji-suggestions')).toBeVisible()
    await page.getByTestId('emoji-open').click()
    await expect(page.getByTestId('emoji-grid')).toBeVisible()
    expect(await seriousViolations(page), 'emoji').toEqual([])

    await page.getByTestId('nav-contacts').click()
    await expect(page).toHaveURL(/#\/contacts$/)
    await expect(page.getByText('Ben Okafor').first()).toBeVisible()
    expect(await seriousViolations(page), 'Contacts').toEqual([])

    await page.goto(`${greenline.url}/#/contacts/${anaId}`)
    await expect(page.getByTestId('contact-whatsapp')).toBeVisible()
    expect(await seriousViolations(page), 'Contact Details').toEqual([])

    await page.goto(`${greenline.url}/#/contacts/${anaId}/history`)
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
    expect(await seriousViolations(page), 'History').toEqual([])

    await page.getByTestId('nav-settings').click()
    await expect(page).toHaveURL(/#\/settings$/)
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
    expect(await seriousViolations(page), 'Settings').toEqual([])

    await page.getByTestId('nav-search').click()
    await page.getByTestId('search-input').fill('order')
    await expect(page.getByTestId('search-result')).toHaveCount(1)
    expect(await seriousViolations(page), 'Search').toEqual([])

    await page.goto(`${greenline.url}/#/quick-reply/${conversation.id}`)
    await expect(page.getByText('Hi, is my order ready?').first()).toBeVisible()
    expect(await seriousViolations(page), 'quick reply').toEqual([])
  })
}

test('the keyboard reaches the composer and Enter sends @a11y', async ({ page, greenline }) => {
  const conversation = await seed(greenline)
  await openApp(page, greenline)
  await page.goto(`${greenline.url}/#/messages/${conversation.id}`)
  await expect(page.getByTestId('state-banner')).toHaveAttribute('data-state', 'active')
  const composer = page.getByTestId('composer-input')
  let reached = false
  for (let presses = 0; presses < 80 && !reached; presses++) {
    await page.keyboard.press('Tab')
    reached = await composer.evaluate((el) => el === document.activeElement)
  }
  expect(reached).toBe(true)
  await page.keyboard.type('Sent from the keyboard')
  await page.keyboard.press('Shift+Enter')
  await page.keyboard.type('second line')
  await page.keyboard.press('Enter')
  const sent = page.getByTestId('message-bubble').filter({ hasText: 'Sent from the keyboard', visible: true })
  await expect(sent).toHaveAttribute('data-status', /sending|sent|delivered/)
  await expect(sent).toContainText('second line')
  await expect(composer).toHaveValue('')
  await expect(composer).toBeFocused()

  // The conversation list is reachable too: Enter on a row opens it.
  await page.getByTestId('conversation-row').first().focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('thread-header')).toBeVisible()
})
