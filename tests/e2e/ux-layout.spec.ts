import { api, expect, test, type Greenline } from './fixtures'

/** Issue 20: the layout adapts to a small laptop window and to a large monitor. */

const LONG =
  'Your order 4471 is ready for collection at the front desk; we are open until six tonight and from nine tomorrow, ' +
  'and if someone else collects it for you they only need the order number and a photo of your ID.'

async function seed(greenline: Greenline): Promise<string> {
  const ana = await api(greenline, 'priya', 'contacts:create', { name: 'Ana Souza', phone: '+14155550101' })
  const thread = await api(greenline, 'priya', 'conversations:start', { contactId: ana.id, channel: 'sms' })
  await api(greenline, 'priya', 'messages:send', { conversationId: thread.id, text: LONG })
  return thread.id
}

test('at 1024×640 the list gives the thread the width, and comes back from the thread @ux', async ({ page, greenline }) => {
  const thread = await seed(greenline)
  await page.setViewportSize({ width: 1024, height: 640 })
  await greenline.open(page, 'priya')
  const list = page.locator('.conversation-list')
  await expect(page.getByTestId('conversation-row')).toBeVisible()
  // With no thread open the list has the whole width next to the navigation.
  expect((await list.boundingBox())!.width).toBeGreaterThan(700)

  await page.getByTestId('conversation-row').click()
  await expect(page).toHaveURL(new RegExp(`#/messages/${thread}$`))
  await expect(list).toBeHidden()
  const pane = (await page.getByTestId('thread').boundingBox())!
  expect(pane.width).toBeGreaterThan(780)
  await expect(page.getByTestId('composer-input')).toBeInViewport()

  await page.getByTestId('back-to-list').click()
  await expect(page).toHaveURL(/#\/messages$/)
  await expect(list).toBeVisible()
})

test('at 1920 the list and the thread sit side by side and a long message reads comfortably @ux', async ({ page, greenline }) => {
  const thread = await seed(greenline)
  await page.setViewportSize({ width: 1920, height: 1080 })
  await greenline.open(page, 'priya')
  await page.goto(`${greenline.url}/#/messages/${thread}`)
  await expect(page.locator('.conversation-list')).toBeVisible()
  await expect(page.getByTestId('back-to-list')).toBeHidden()
  const bubble = page.getByTestId('message-bubble').filter({ hasText: 'Your order 4471', visible: true })
  await expect(bubble).toBeVisible()
  // Wide enough that the text is not a narrow column, narrow enough to read (about 60–90 characters a line).
  const width = (await bubble.boundingBox())!.width
  expect(width).toBeGreaterThanOrEqual(480)
  expect(width).toBeLessThanOrEqual(760)
})
