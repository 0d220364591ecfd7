import type { Page } from '@playwright/test'
import type { Contact, Conversation } from '../../electron/shared/domain'
import { expect, test, type Greenline } from './fixtures'

const ANA = '+14155550101'
// One of the sandbox's simulated people, saved under an Arabic name.
const SARA = '+14155550102'
const enc = encodeURIComponent

async function dispatch<T>(greenline: Greenline, channel: string, payload: unknown): Promise<T> {
  const result = await greenline.host.engine.dispatch({ userId: 'priya' }, channel, payload)
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`)
  return result.value as T
}

/** Ana accepted WhatsApp and wrote; Priya added Sam (a system line); Ben's SMS thread is unread. */
async function seed(greenline: Greenline): Promise<Conversation> {
  const ana = await dispatch<Contact>(greenline, 'contacts:create', { name: 'Ana Souza', phone: ANA })
  const conversation = await dispatch<Conversation>(greenline, 'conversations:start', { contactId: ana.id, channel: 'whatsapp' })
  await expect.poll(async () => (await greenline.sandbox<any[]>(`/sandbox/deliveries?phone=${enc(ANA)}`)).length).toBeGreaterThan(0)
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { buttonPayload: 'CONSENT_YES' })
  await greenline.sandbox(`/sandbox/users/${enc(ANA)}/messages`, { text: 'Hi, is my order ready?' })
  await dispatch(greenline, 'conversations:addParticipant', { id: conversation.id, userId: 'sam' })
  return conversation
}

/** Texts the app asked for that the language lacks ([i18n] console errors, see src/i18n). */
function missingTexts(page: Page): string[] {
  const missing: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().startsWith('[i18n] missing')) missing.push(message.text())
  })
  return missing
}

/** A key shown as text ("thread.reply") means a lookup that found nothing at all. */
const RAW_KEY =
  /\b(app|nav|state|thread|settings|contacts?|composer|messages|search|pictures|people|common|filters|start|status)\.[A-Za-z_]+/

const LOCALES = [
  {
    locale: 'es-ES',
    messages: 'Mensajes',
    settings: 'Ajustes',
    language: 'Idioma',
    active: /^Activa/,
    added: 'Priya Shah añadió a Sam Lee',
    reply: 'Responder',
  },
  {
    locale: 'pt-BR',
    messages: 'Mensagens',
    settings: 'Configurações',
    language: 'Idioma',
    active: /^Ativa/,
    added: 'Priya Shah adicionou Sam Lee',
    reply: 'Responder',
  },
  {
    locale: 'fr-FR',
    messages: 'Messages',
    settings: 'Paramètres',
    language: 'Langue',
    active: /^Active —/,
    added: 'Priya Shah a ajouté Sam Lee',
    reply: 'Répondre',
  },
  {
    locale: 'de-DE',
    messages: 'Nachrichten',
    settings: 'Einstellungen',
    language: 'Sprache',
    active: /^Aktiv –/,
    added: 'Priya Shah hat Sam Lee hinzugefügt',
    reply: 'Antworten',
  },
]

for (const expected of LOCALES) {
  test.describe(`in ${expected.locale}`, () => {
    test.use({ locale: expected.locale })

    test(`the system language ${expected.locale} is used on every key screen, with no untranslated text @ux`, async ({
      page,
      greenline,
    }) => {
      test.setTimeout(120_000)
      const missing = missingTexts(page)
      const conversation = await seed(greenline)
      await greenline.open(page)
      await expect(page.getByTestId('nav-messages')).toContainText(expected.messages)
      await expect(page.locator('html')).toHaveAttribute('lang', expected.locale.startsWith('pt') ? 'pt-BR' : expected.locale.slice(0, 2))

      await page.goto(`${greenline.url}/#/messages/${conversation.id}`)
      await expect(page.getByTestId('message-bubble').filter({ hasText: 'Hi, is my order ready?', visible: true })).toBeVisible()
      await expect(page.getByTestId('state-banner-text')).toHaveText(expected.active)
      // A system line stored with its code reads in this language, names as they are.
      await expect(page.getByTestId('system-line').filter({ hasText: expected.added })).toBeVisible()
      await expect(page.getByTestId('message-reply').first()).toHaveText(expected.reply)
      expect(await page.locator('main').innerText()).not.toMatch(RAW_KEY)

      await page.getByTestId('nav-contacts').click()
      await expect(page.getByText('Ana Souza').first()).toBeVisible()
      expect(await page.locator('main').innerText()).not.toMatch(RAW_KEY)

      await page.getByTestId('nav-settings').click()
      await expect(page.getByTestId('settings-display')).toBeVisible()
      await expect(page.locator('label[for="settings-language"]')).toHaveText(expected.language)
      expect(await page.locator('main').innerText()).not.toMatch(RAW_KEY)

      await page.getByTestId('nav-search').click()
      await page.getByTestId('search-input').fill('order')
      await page.getByTestId('search-input').press('Enter')
      await expect(page.getByTestId('search-result')).toHaveCount(1)
      expect(await page.locator('main').innerText()).not.toMatch(RAW_KEY)

      expect(missing).toEqual([])
    })
  })
}

test.describe('with a French system', () => {
  test.use({ locale: 'fr-FR' })

  test('Settings overrides the system language, and keeps the choice @ux', async ({ page, greenline }) => {
    const missing = missingTexts(page)
    await greenline.open(page)
    await expect(page.getByTestId('nav-settings')).toHaveText('Paramètres')
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('settings-language').selectOption('de')
    await expect(page.getByTestId('nav-settings')).toHaveText('Einstellungen')
    await expect(page.locator('h1')).toHaveText('Einstellungen')
    await page.reload()
    await expect(page.getByTestId('nav-messages')).toContainText('Nachrichten')
    await page.getByTestId('settings-language').selectOption('')
    await expect(page.getByTestId('nav-settings')).toHaveText('Paramètres')
    expect(missing).toEqual([])
  })
})

test.describe('with a Spanish system', () => {
  test.use({ locale: 'es-ES' })

  test('an engine refusal reads in Spanish, with the names as they are @ux', async ({ page, greenline }) => {
    const missing = missingTexts(page)
    await dispatch<Contact>(greenline, 'contacts:create', { name: 'Ana Souza', phone: ANA })
    await greenline.open(page)
    await page.getByTestId('nav-contacts').click()
    await page.getByTestId('contact-add').click()
    await page.getByTestId('contact-form-name').fill('Ana (móvil)')
    await page.getByTestId('contact-form-phone').fill(ANA)
    await page.getByTestId('contact-form-save').click()
    // The engine said "+14155550101 is already saved as Ana Souza" with its code and values.
    await expect(page.getByTestId('contact-form-error')).toContainText(`${ANA} ya está guardado como Ana Souza`)
    await expect(page.getByTestId('contact-form-phone')).toHaveAttribute('aria-invalid', 'true')
    expect(missing).toEqual([])
  })
})

test('Arabic and Hebrew names and messages read right to left without flipping the layout @ux', async ({ page, greenline }) => {
  const sara = await dispatch<Contact>(greenline, 'contacts:create', { name: 'سارة أحمد', phone: SARA })
  const conversation = await dispatch<Conversation>(greenline, 'conversations:start', { contactId: sara.id, channel: 'sms' })
  await greenline.sandbox(`/sandbox/users/${enc(SARA)}/sms`, { text: 'שלום, ההזמנה שלי מוכנה?' })
  await greenline.open(page)
  const row = page.getByTestId('conversation-row').filter({ hasText: 'سارة أحمد' })
  await expect(row).toBeVisible()
  const direction = (selector: string) => row.locator(selector).evaluate((el) => getComputedStyle(el).direction)
  expect(await direction('.name')).toBe('rtl')
  expect(await row.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr')
  // The layout keeps its place: the name on the left of its line, the time on the right.
  const name = (await row.locator('.name').boundingBox())!
  const time = (await row.locator('time').boundingBox())!
  expect(time.x).toBeGreaterThan(name.x + name.width - 1)

  await page.goto(`${greenline.url}/#/messages/${conversation.id}`)
  const bubble = page.getByTestId('message-bubble').filter({ hasText: 'שלום', visible: true })
  await expect(bubble).toBeVisible()
  expect(await bubble.locator('.text').evaluate((el) => getComputedStyle(el).direction)).toBe('rtl')
  // An inbound bubble stays on the left even though its text runs right to left.
  const list = (await page.getByTestId('message-list').boundingBox())!
  const box = (await bubble.boundingBox())!
  expect(box.x - list.x).toBeLessThan(list.width / 2)
})
