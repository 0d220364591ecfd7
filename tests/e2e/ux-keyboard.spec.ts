import { api, expect, test, type Greenline } from './fixtures'

/** Issue 20: the keyboard gets an office user everywhere a mouse would, as in Slack or Teams. */

async function smsThread(greenline: Greenline, name: string, phone: string): Promise<string> {
  const contact = await api(greenline, 'priya', 'contacts:create', { name, phone })
  return (await api(greenline, 'priya', 'conversations:start', { contactId: contact.id, channel: 'sms' })).id
}

test('Ctrl+K, Alt+↑/↓, Ctrl+F, ? and Esc; opening a thread puts the cursor in the composer @ux', async ({ page, greenline }) => {
  await smsThread(greenline, 'Ana Souza', '+14155550101')
  const chloe = await smsThread(greenline, 'Chloé Martin', '+14155550102')
  await smsThread(greenline, 'Ben Okafor', '+14155550103')
  await greenline.open(page, 'priya')
  const rows = page.getByTestId('conversation-row')
  await expect(rows).toHaveCount(3)
  // The list is virtualized: rows are placed by position, not by their order in the page.
  const order = await rows.evaluateAll((all) =>
    all.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((row) => row.getAttribute('data-id')!),
  )

  // Ctrl+K: a few letters (no accent needed) and Enter open the thread, ready to type.
  await page.keyboard.press('Control+k')
  await expect(page.getByTestId('switcher')).toBeVisible()
  await expect(page.getByTestId('switcher-option')).toHaveCount(3)
  await page.keyboard.type('chlo')
  await expect(page.getByTestId('switcher-option')).toHaveText([/Chloé Martin/])
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(new RegExp(`#/messages/${chloe}$`))
  await expect(page.getByTestId('switcher')).toBeHidden()
  await expect(page.getByTestId('composer-input')).toBeFocused()

  // Alt+↓ / Alt+↑ walk the list as shown, even while the cursor is in the composer.
  const at = order.indexOf(chloe)
  const below = order[at + 1] ?? order[at - 1]
  await page.keyboard.press(order[at + 1] ? 'Alt+ArrowDown' : 'Alt+ArrowUp')
  await expect(page).toHaveURL(new RegExp(`#/messages/${below}$`))
  await expect(page.getByTestId('composer-input')).toBeFocused()
  await page.keyboard.press(order[at + 1] ? 'Alt+ArrowUp' : 'Alt+ArrowDown')
  await expect(page).toHaveURL(new RegExp(`#/messages/${chloe}$`))

  // Esc closes the switcher without going anywhere.
  await page.keyboard.press('Control+k')
  await expect(page.getByTestId('switcher')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('switcher')).toBeHidden()
  await expect(page).toHaveURL(new RegExp(`#/messages/${chloe}$`))

  // `?` typed in the composer is text; outside a field it opens the sheet, and Esc closes it.
  await page.keyboard.type('?')
  await expect(page.getByTestId('composer-input')).toHaveValue('?')
  await expect(page.getByTestId('shortcuts-sheet')).toBeHidden()
  await page.getByTestId('composer-input').fill('')
  await page.getByTestId('thread-header').click()
  await page.keyboard.press('Shift+?')
  await expect(page.getByTestId('shortcuts-sheet')).toBeVisible()
  await expect(page.getByTestId('shortcut-row').first()).toContainText('Ctrl+K')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('shortcuts-sheet')).toBeHidden()

  // Ctrl+F searches every message rather than the page.
  await page.keyboard.press('Control+f')
  await expect(page).toHaveURL(/#\/search$/)
  await expect(page.getByTestId('search-input')).toBeFocused()
})
