import type { Page } from '@playwright/test'
import sharp from 'sharp'
import { WsClient } from '../helpers/ws-client'
import { expect, test, type Greenline } from './fixtures'

const ANA = '%2B14155550101'
const FIVE_MB = 5 * 1024 * 1024

interface Delivery {
  type: string
  caption?: string
  mimeType?: string
  bytesBase64?: string
}

/** Priya's WhatsApp conversation with Ana, who has agreed to messages; the thread is open. */
async function openConsentedChat(page: Page, greenline: Greenline): Promise<string> {
  const client = await WsClient.connect(greenline.url, { token: greenline.host.token, user: 'priya' })
  try {
    const contact = await client.request('contacts:create', { name: 'Ana Souza', phone: '+14155550101' })
    const conversation = await client.request('conversations:start', { contactId: contact.id, channel: 'whatsapp' })
    await client.waitFor('messages:changed', (m) => m.kind === 'template' && m.status !== 'queued' && m.status !== 'sending')
    await greenline.sandbox(`/sandbox/users/${ANA}/messages`, { buttonPayload: 'CONSENT_YES' })
    await client.waitFor('conversations:changed', (c) => c.id === conversation.id && c.consent === 'granted')
    await greenline.open(page, 'priya')
    await page.goto(`${greenline.url}/#/messages/${conversation.id}`)
    await expect(page.getByTestId('composer-input')).toBeEnabled()
    return conversation.id
  } finally {
    client.close()
  }
}

async function imageDeliveries(greenline: Greenline): Promise<Delivery[]> {
  const all = await greenline.sandbox<Delivery[]>(`/sandbox/deliveries?phone=${ANA}&withBytes=1`)
  return all.filter((d) => d.type === 'image')
}

/** Waits for `count` pictures at the phone; each must decode as a JPEG or PNG within 5 MB. */
async function expectDeliveredPictures(greenline: Greenline, count: number): Promise<Array<Delivery & { format: string; width: number }>> {
  await expect.poll(async () => (await imageDeliveries(greenline)).filter((d) => d.bytesBase64).length, { timeout: 20_000 }).toBe(count)
  const pictures = []
  for (const delivery of await imageDeliveries(greenline)) {
    const bytes = Buffer.from(delivery.bytesBase64!, 'base64')
    expect(bytes.byteLength).toBeLessThan(FIVE_MB)
    const metadata = await sharp(bytes).metadata()
    expect(['jpeg', 'png']).toContain(metadata.format)
    expect(delivery.mimeType).toBe(`image/${metadata.format}`)
    expect(metadata.exif).toBeUndefined()
    pictures.push({ ...delivery, format: metadata.format, width: metadata.width })
  }
  return pictures
}

const png = (width: number, height: number, colour: string) =>
  sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer()
const jpeg = (width: number, height: number, colour: string) =>
  sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg({ quality: 90 })
    .toBuffer()

async function sendTray(page: Page, count: number): Promise<void> {
  await expect(page.getByTestId('picture-tray-item')).toHaveCount(count)
  await page.getByTestId('picture-send').click()
  await expect(page.getByTestId('picture-tray')).toBeHidden({ timeout: 20_000 })
}

test('takes a picture with the camera, retakes it, and sends it @pictures', async ({ page, greenline }) => {
  await openConsentedChat(page, greenline)
  await page.getByTestId('picture-attach-button').click()
  await page.getByRole('menuitem', { name: 'Camera' }).click()
  const dialog = page.getByTestId('camera-dialog')
  await expect(dialog).toBeVisible()
  await expect(page.getByTestId('camera-capture')).toBeEnabled()

  await page.getByTestId('camera-capture').click()
  await expect(page.getByTestId('camera-still')).toBeVisible()
  await page.getByTestId('camera-retake').click()
  await expect(page.getByTestId('camera-still')).toBeHidden()
  await expect(page.getByTestId('camera-video')).toBeVisible()
  await page.getByTestId('camera-capture').click()
  const stream = await page.getByTestId('camera-video').evaluateHandle((video: HTMLVideoElement) => video.srcObject as MediaStream)
  await page.getByTestId('camera-use').click()
  await expect(dialog).toBeHidden()
  // The camera is released once the photo is taken.
  expect(await stream.evaluate((s) => s.getTracks().map((t) => t.readyState))).toEqual(['ended'])

  await sendTray(page, 1)
  const [photo] = await expectDeliveredPictures(greenline, 1)
  expect(photo.format).toBe('jpeg')
  await expect(page.getByTestId('message-image')).toHaveCount(1)
})

test('cancelling the camera stops it and adds nothing @pictures', async ({ page, greenline }) => {
  await openConsentedChat(page, greenline)
  await page.getByTestId('picture-attach-button').click()
  await page.getByTestId('picture-menu-camera').click()
  await expect(page.getByTestId('camera-capture')).toBeEnabled()
  const stream = await page.getByTestId('camera-video').evaluateHandle((video: HTMLVideoElement) => video.srcObject as MediaStream)
  expect(await stream.evaluate((s) => s.getTracks().map((t) => t.readyState))).toEqual(['live'])
  await page.getByTestId('camera-cancel').click()
  await expect(page.getByTestId('camera-dialog')).toBeHidden()
  expect(await stream.evaluate((s) => s.getTracks().map((t) => t.readyState))).toEqual(['ended'])
  await expect(page.getByTestId('picture-tray')).toBeHidden()
})

test('sends pictures chosen in the photo library, the caption with the first @pictures', async ({ page, greenline }) => {
  await openConsentedChat(page, greenline)
  await page.getByTestId('picture-attach-button').click()
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('menuitem', { name: 'Photo library' }).click()
  await (
    await chooser
  ).setFiles([
    { name: 'receipt.png', mimeType: 'image/png', buffer: await png(800, 600, '#3366cc') },
    { name: 'smile.jpg', mimeType: 'image/jpeg', buffer: await jpeg(640, 480, '#cc6633') },
  ])
  await expect(page.getByTestId('picture-tray-item')).toHaveCount(2)
  await page.getByTestId('picture-remove').first().click()
  await expect(page.getByTestId('picture-tray-item')).toHaveCount(1)
  await page
    .getByTestId('picture-file-input')
    .setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: await png(800, 600, '#3366cc') })
  await page.getByTestId('picture-caption').fill('Your receipt and the smile preview')
  await expect(page.getByTestId('picture-caption-count')).toHaveText('34 / 1024')
  await expect(page.getByTestId('picture-caption-hint')).toHaveText('The caption goes with the first picture.')

  await sendTray(page, 2)
  const delivered = await expectDeliveredPictures(greenline, 2)
  expect(delivered.map((d) => [d.format, d.width, d.caption ?? null])).toEqual([
    ['jpeg', 640, 'Your receipt and the smile preview'],
    ['png', 800, null],
  ])
})

test('the picture tray and its caption wait while the user looks elsewhere, like a text draft @pictures @ux', async ({
  page,
  greenline,
}) => {
  const conversationId = await openConsentedChat(page, greenline)
  await page
    .getByTestId('picture-file-input')
    .setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: await png(400, 300, '#3366cc') })
  await page.getByTestId('picture-caption').fill('Your receipt')
  await expect(page.getByTestId('picture-tray-item')).toHaveCount(1)

  await page.getByTestId('nav-contacts').click()
  await expect(page.getByTestId('picture-tray')).toBeHidden()
  await page.goto(`${greenline.url}/#/messages/${conversationId}`)
  await expect(page.getByTestId('picture-tray-item')).toHaveCount(1)
  await expect(page.getByTestId('picture-caption')).toHaveValue('Your receipt')
  expect(await imageDeliveries(greenline)).toEqual([])

  await sendTray(page, 1)
  const [delivered] = await expectDeliveredPictures(greenline, 1)
  expect(delivered.caption).toBe('Your receipt')
})

test('a text file renamed as a picture is marked when added, not counted, and does not hold up the picture @pictures', async ({
  page,
  greenline,
}) => {
  await openConsentedChat(page, greenline)
  await page.getByTestId('picture-file-input').setInputFiles([
    { name: 'holiday.png', mimeType: 'image/png', buffer: Buffer.from('Meeting notes: call Ana back on Tuesday.\n') },
    { name: 'good.png', mimeType: 'image/png', buffer: await png(300, 200, '#22aa55') },
  ])
  // Before any Send: the text file says so, and the button counts only what will go.
  const bad = page.locator('[data-testid="picture-tray-item"][data-state="failed"]')
  await expect(bad).toHaveCount(1)
  await expect(bad.getByTestId('picture-error')).toContainText('not a picture')
  await expect(page.getByTestId('picture-send')).toHaveText('Send picture')
  await expect(page.getByTestId('picture-caption-hint')).toBeHidden()
  expect(await imageDeliveries(greenline)).toEqual([])

  // Send takes the picture and leaves the refused file behind with the tray.
  await page.getByTestId('picture-send').click()
  await expect(page.getByTestId('picture-tray')).toBeHidden({ timeout: 20_000 })
  await expectDeliveredPictures(greenline, 1)
})

test('a file that opens like a picture but is broken is refused by the engine, and nothing is sent @pictures', async ({
  page,
  greenline,
}) => {
  await openConsentedChat(page, greenline)
  const broken = Buffer.concat([(await png(300, 200, '#22aa55')).subarray(0, 40), Buffer.from('cut off here')])
  await page.getByTestId('picture-file-input').setInputFiles([
    { name: 'broken.png', mimeType: 'image/png', buffer: broken },
    { name: 'good.png', mimeType: 'image/png', buffer: await png(300, 200, '#22aa55') },
  ])
  await expect(page.getByTestId('picture-send')).toHaveText('Send 2 pictures')
  await page.getByTestId('picture-send').click()
  await expect(page.getByTestId('picture-tray-error')).toContainText('Nothing was sent')
  await expect(page.locator('[data-testid="picture-tray-item"][data-state="failed"]')).toHaveCount(1)
  expect(await imageDeliveries(greenline)).toEqual([])
  await expect(page.getByTestId('message-image')).toHaveCount(0)

  // Removing the bad file sends the good one (already prepared, not uploaded again).
  await page.getByRole('button', { name: 'Remove broken.png' }).click()
  await sendTray(page, 1)
  await expectDeliveredPictures(greenline, 1)
})

test('drops two picture files onto the thread @pictures', async ({ page, greenline }) => {
  await openConsentedChat(page, greenline)
  const files = [
    { name: 'left.png', type: 'image/png', base64: (await png(500, 400, '#ff0000')).toString('base64') },
    { name: 'right.jpg', type: 'image/jpeg', base64: (await jpeg(400, 500, '#0000ff')).toString('base64') },
  ]
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer()
    for (const file of list) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))
      transfer.items.add(new File([bytes], file.name, { type: file.type }))
    }
    return transfer
  }, files)
  const zone = page.getByTestId('picture-drop-zone')
  await zone.dispatchEvent('dragenter', { dataTransfer })
  await expect(page.getByTestId('picture-drop-overlay')).toHaveText('Drop pictures to send')
  await zone.dispatchEvent('dragover', { dataTransfer })
  await zone.dispatchEvent('drop', { dataTransfer })
  await expect(page.getByTestId('picture-drop-overlay')).toBeHidden()

  await sendTray(page, 2)
  const delivered = await expectDeliveredPictures(greenline, 2)
  expect(delivered.map((d) => d.format)).toEqual(['png', 'jpeg'])
  await expect(page.getByTestId('message-image')).toHaveCount(2)
})

test('pastes a screenshot from the clipboard @pictures', async ({ page, greenline }) => {
  await openConsentedChat(page, greenline)
  const base64 = (await png(1280, 720, '#eeeeee')).toString('base64')
  await page.getByTestId('composer-input').focus()
  await page.evaluate((data) => {
    const transfer = new DataTransfer()
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
    transfer.items.add(new File([bytes], 'image.png', { type: 'image/png' }))
    const event = new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true })
    document.activeElement!.dispatchEvent(event)
  }, base64)
  await expect(page.getByTestId('composer-input')).toHaveValue('')
  await sendTray(page, 1)
  const [screenshot] = await expectDeliveredPictures(greenline, 1)
  expect([screenshot.format, screenshot.width]).toEqual(['png', 1280])
})

test('shows a picture from the phone and opens it full size @pictures', async ({ page, greenline }) => {
  await openConsentedChat(page, greenline)
  const picture = await png(900, 600, '#8844cc')
  await greenline.sandbox(`/sandbox/users/${ANA}/messages`, {
    imageBase64: picture.toString('base64'),
    mimeType: 'image/png',
    caption: 'My new glasses',
  })

  const thumbnail = page.getByTestId('message-image')
  await expect(thumbnail).toBeVisible({ timeout: 20_000 })
  // The thread shows the small preview (longest edge 320), the viewer the full picture.
  await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320)
  await expect(page.getByTestId('message-list').getByText('My new glasses')).toBeVisible()

  await page.getByTestId('image-open').click()
  const viewer = page.getByTestId('image-viewer')
  await expect(viewer).toBeVisible()
  await expect(page.getByTestId('image-viewer-close')).toBeFocused()
  const full = page.getByTestId('image-viewer-img')
  await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(900)
  // Fitted to a small window, then pixel for pixel (scrollable), then fitted again.
  await page.setViewportSize({ width: 640, height: 480 })
  const shownWidth = () => full.evaluate((img: HTMLImageElement) => img.getBoundingClientRect().width)
  expect(await shownWidth()).toBeLessThan(640)
  await page.keyboard.press('+')
  await expect(page.getByTestId('image-viewer-zoom')).toHaveAttribute('aria-pressed', 'true')
  await expect.poll(shownWidth).toBe(900)
  await page.getByTestId('image-viewer-zoom').click()
  await expect.poll(shownWidth).toBeLessThan(640)
  await page.getByTestId('image-viewer-close').focus()
  const saveHref = await page.getByTestId('image-viewer-save').getAttribute('href')
  expect(saveHref).toMatch(/^\/media\/[0-9a-f]{64}\?download=1$/)
  const saved = await page.request.get(`${greenline.url}${saveHref}`)
  expect(saved.headers()['content-disposition']).toContain('attachment')
  expect((await saved.body()).equals(picture)).toBe(true)

  // Focus stays in the viewer; Escape closes it and returns focus to the picture.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab')
  await expect(page.getByTestId('image-viewer-close')).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(viewer).toBeHidden()
  await expect(page.getByTestId('image-open')).toBeFocused()
})
