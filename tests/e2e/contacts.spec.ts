import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { WsClient } from '../helpers/ws-client'
import { expect, launchGreenline, test, type Greenline } from './fixtures'

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'greenline-contacts-')), name)
  writeFileSync(path, text)
  return path
}

function api(greenline: Greenline, user = 'priya'): Promise<WsClient> {
  return WsClient.connect(greenline.url, { token: greenline.host.token, user })
}

async function openContacts(page: Page): Promise<void> {
  await page.getByTestId('nav-contacts').click()
  await expect(page.getByRole('heading', { name: 'Contacts' })).toBeVisible()
}

async function addContact(page: Page, fields: { name: string; phone?: string; company?: string; email?: string }): Promise<void> {
  await page.getByTestId('contact-add').click()
  await page.getByTestId('contact-form-name').fill(fields.name)
  if (fields.phone) await page.getByTestId('contact-form-phone').fill(fields.phone)
  if (fields.company) await page.getByTestId('contact-form-company').fill(fields.company)
  if (fields.email) await page.getByTestId('contact-form-email').fill(fields.email)
  await page.getByTestId('contact-form-save').click()
}

async function importFile(page: Page, path: string): Promise<void> {
  await page.getByTestId('contacts-import').click()
  await page.getByTestId('import-file').setInputFiles(path)
  // A CSV is previewed first (columns and encoding), then imported on confirmation.
  if (path.endsWith('.csv')) await page.getByTestId('import-confirm').click()
}

test('adds a contact typed in local format and stores it in E.164 @contacts', async ({ page, greenline }) => {
  await greenline.open(page, 'priya')
  await openContacts(page)
  await addContact(page, { name: 'Maya Patel', phone: '(415) 555-0142', company: 'Patel Dental', email: 'maya@example.com' })

  // Saving opens the contact: the number is shown formatted and kept as E.164.
  await expect(page.getByTestId('contact-name')).toHaveText('Maya Patel')
  await expect(page.getByTestId('contact-phone')).toHaveText('+1 415 555 0142')
  await expect(page.getByTestId('contact-phone')).toHaveAttribute('data-e164', '+14155550142')
  await expect(page.getByTestId('contact-call')).toHaveAttribute('href', 'tel:+14155550142')
  await expect(page.getByTestId('contact-sms')).toBeVisible()
  await expect(page.getByTestId('contact-whatsapp')).toBeVisible()
  await expect(page.getByTestId('contact-history')).toHaveAttribute('href', /#\/contacts\/[^/]+\/history$/)

  const contactId = new URL(page.url()).hash.replace('#/contacts/', '')
  const client = await api(greenline)
  try {
    const stored = await client.request('contacts:get', { id: contactId })
    expect(stored).toMatchObject({ name: 'Maya Patel', phone: '+14155550142', company: 'Patel Dental', email: 'maya@example.com' })

    // The list finds it by name, company and number (typed the way people type it).
    await page.getByRole('link', { name: '← Contacts' }).click()
    const search = page.getByTestId('contacts-search')
    for (const query of ['maya', 'Patel Dental', '415 555 0142']) {
      await search.fill(query)
      await expect(page.getByTestId('contact-row')).toHaveCount(1)
      await expect(page.getByTestId('contact-row')).toContainText('Maya Patel')
    }
    await search.fill('nobody like this')
    await expect(page.getByTestId('contacts-empty')).toBeVisible()

    // The green WhatsApp action opens a thread without sending the opt-in yet.
    await search.fill('maya')
    await expect(page.getByTestId('contact-row')).toHaveCount(1)
    await search.press('ArrowDown')
    await expect(page.getByTestId('contact-row')).toBeFocused()
    await page.keyboard.press('Enter')
    await page.getByTestId('contact-whatsapp').click()
    await expect(page).toHaveURL(/#\/messages\/[^/]+$/)
    const conversationId = new URL(page.url()).hash.replace('#/messages/', '')
    const conversation = await client.request('conversations:get', { id: conversationId })
    expect(conversation).toMatchObject({ contactId, channel: 'whatsapp', consent: 'none' })
  } finally {
    client.close()
  }
})

test('imports a 500-row CSV with two bad rows, reports them, and keeps them after a restart @contacts', async ({ page, greenline }) => {
  // Two host starts (each with its sandbox process) plus a 500-row import: allow for a busy machine.
  test.slow()
  const rows = ['name,phone,company,email']
  for (let i = 0; i < 500; i++) {
    const phone = i === 100 ? 'not a number' : i === 300 ? '12345' : `(212) 555-${1000 + i}`
    rows.push(`Import Person ${i},${phone},"Acme, Inc.",person${i}@example.com`)
  }
  const csv = tempFile('contacts.csv', rows.join('\n') + '\n')

  await greenline.open(page, 'priya')
  await openContacts(page)
  await importFile(page, csv)

  await expect(page.getByTestId('import-progress')).toBeVisible()
  await expect(page.getByTestId('import-progress')).toHaveAttribute('aria-valuenow', '100')
  const summary = page.getByTestId('import-summary')
  await expect(summary).toContainText('Imported 498')
  const skipped = summary.getByTestId('import-skipped')
  await expect(skipped).toHaveCount(2)
  // Row i is on line i + 2 (line 1 is the header).
  await expect(skipped.nth(0)).toContainText('Line 102')
  await expect(skipped.nth(0)).toContainText('"not a number" is not a phone number')
  await expect(skipped.nth(1)).toContainText('Line 302')
  await expect(skipped.nth(1)).toContainText('"12345" is not a valid phone number')
  await page.getByTestId('import-close').click()
  await expect(page.getByTestId('contact-row').first()).toBeVisible()

  await greenline.restart()
  await page.reload()
  await expect(page.getByTestId('nav-contacts')).toBeVisible()
  await openContacts(page)
  await page.getByTestId('contacts-search').fill('Import Person 499')
  await expect(page.getByTestId('contact-row')).toHaveCount(1)
  await expect(page.getByTestId('contact-row')).toContainText('+1 212 555 1499')

  const client = await api(greenline)
  try {
    const imported = await client.request('contacts:list', { query: 'Import Person' })
    expect(imported).toHaveLength(498)
    expect(imported.map((c) => c.name)).not.toContain('Import Person 100')
  } finally {
    client.close()
  }
})

test('refuses an invalid number with a clear message; a vCard with garbage imports the good entries @contacts', async ({
  page,
  greenline,
}) => {
  await greenline.open(page, 'priya')
  await openContacts(page)
  // No name: said on the field, in plain words, before anything is sent.
  await addContact(page, { name: '', phone: '555-01' })
  await expect(page.getByTestId('contact-form-error')).toHaveText('Enter a name for this contact.')
  await expect(page.getByTestId('contact-form-name')).toHaveAttribute('aria-invalid', 'true')
  await page.getByRole('button', { name: 'Cancel' }).click()

  await addContact(page, { name: 'Wrong Number', phone: '555-01' })
  const error = page.getByTestId('contact-form-error')
  await expect(error).toBeVisible()
  await expect(error).toHaveAttribute('role', 'alert')
  await expect(error).toContainText('"555-01" is not a valid phone number')
  await expect(page.getByTestId('contact-form-phone')).toHaveAttribute('aria-invalid', 'true')
  await page.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByTestId('contacts-empty')).toBeVisible()

  const client = await api(greenline)
  try {
    expect(await client.request('contacts:list', { query: 'Wrong Number' })).toEqual([])

    const vcard = [
      'this is not a vcard',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Olivia Brown',
      'ORG:Brown & Co',
      'TEL;TYPE=CELL:(415) 555-0161',
      'END:VCARD',
      '%%% garbage %%%',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'TEL:(415) 555-0162',
      'END:VCARD',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'N:Nguyen;Thanh;;;',
      'TEL;TYPE=work:+1 415 555 0163',
      'EMAIL:thanh@example.com',
      'END:VCARD',
      '',
    ].join('\r\n')
    await importFile(page, tempFile('people.vcf', vcard))
    const summary = page.getByTestId('import-summary')
    await expect(summary).toContainText('Imported 2')
    await expect(summary.getByTestId('import-skipped')).toHaveCount(4)
    await expect(summary).toContainText('Not part of a vCard')
    await expect(summary).toContainText('The card has no name')
    await page.getByTestId('import-close').click()

    await expect(page.getByTestId('contact-row')).toHaveCount(2)
    await expect(page.getByTestId('contact-row').nth(0)).toContainText('Olivia Brown')
    await expect(page.getByTestId('contact-row').nth(1)).toContainText('Thanh Nguyen')
    const stored = await client.request('contacts:list', {})
    expect(stored.map((c) => c.phone).sort()).toEqual(['+14155550161', '+14155550163'])
  } finally {
    client.close()
  }
})

test('edits, flags duplicates with a link, deletes after confirming, and follows changes made elsewhere @contacts', async ({
  page,
  greenline,
}) => {
  await greenline.open(page, 'priya')
  await openContacts(page)
  await addContact(page, { name: 'Ana Souza', phone: '+1 415 555 0101' })
  await expect(page.getByTestId('contact-name')).toHaveText('Ana Souza')
  const anaUrl = page.url()

  // A second contact with the same number is refused with a link to the saved one.
  await page.getByRole('link', { name: '← Contacts' }).click()
  await addContact(page, { name: 'Ana again', phone: '4155550101' })
  await expect(page.getByTestId('contact-form-error')).toContainText('already saved as Ana Souza')
  await page.getByTestId('contact-form-duplicate').click()
  await expect(page).toHaveURL(anaUrl)
  await expect(page.getByTestId('contact-name')).toHaveText('Ana Souza')

  await page.getByTestId('contact-edit').click()
  await page.getByTestId('contact-form-company').fill('Souza Imports')
  await page.getByTestId('contact-form-save').click()
  await expect(page.getByTestId('contact-company')).toHaveText('Souza Imports')

  // Someone else (another office user) renames the contact: the page follows.
  const contactId = new URL(anaUrl).hash.replace('#/contacts/', '')
  const sam = await api(greenline, 'sam')
  try {
    await sam.request('contacts:update', { id: contactId, name: 'Ana Souza-Lima', phone: '+14155550101', company: 'Souza Imports' })
    await expect(page.getByTestId('contact-name')).toHaveText('Ana Souza-Lima')
    const ben = await sam.request('contacts:create', { name: 'Ben Okafor', phone: '+14155550102' })

    await page.getByTestId('contact-delete').click()
    await expect(page.getByRole('alertdialog')).toContainText('Delete this contact?')
    await page.getByTestId('confirm-yes').click()
    await expect(page).toHaveURL(/#\/contacts$/)
    await expect(page.getByTestId('contact-row')).toHaveCount(1)
    await expect(page.getByTestId('contact-row')).toContainText('Ben Okafor')
    await expect(sam.request('contacts:get', { id: contactId })).rejects.toThrow(/not_found/)

    await sam.request('contacts:delete', { id: ben.id })
    await expect(page.getByTestId('contacts-empty')).toBeVisible()
  } finally {
    sam.close()
  }
})

test('shows no WhatsApp action when the organization has not enabled the connector @contacts', async ({ page }) => {
  const orgFile = tempFile(
    'org.json',
    JSON.stringify({ name: 'No WA Org', users: [{ id: 'priya', name: 'Priya Shah' }], whatsapp: { enabled: false } }),
  )
  const greenline = await launchGreenline({ orgFile })
  try {
    await greenline.open(page, 'priya')
    await openContacts(page)
    await addContact(page, { name: 'Chloé Martin', phone: '(415) 555-0103' })
    await expect(page.getByTestId('contact-name')).toHaveText('Chloé Martin')
    await expect(page.getByTestId('contact-call')).toHaveAttribute('href', 'tel:+14155550103')
    await expect(page.getByTestId('contact-sms')).toBeVisible()
    await expect(page.getByTestId('contact-whatsapp')).toHaveCount(0)

    await page.getByTestId('nav-settings').click()
    await expect(page.getByTestId('settings-org')).toHaveText('No WA Org')
    await expect(page.getByTestId('settings-whatsapp')).toContainText('Not enabled')
  } finally {
    await greenline.host.close()
  }
})
