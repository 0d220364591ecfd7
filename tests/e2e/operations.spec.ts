import { expect, test } from './fixtures'
import { expectLine, send, startConsentedThread, textsTo } from './thread-steps'

const ANA = '+14155550101'

/**
 * What an office user sees when WhatsApp refuses something (issue 19), in real Chromium against the
 * browser host and its sandbox: the reason is on screen and nothing leaves that WhatsApp would refuse.
 */
test('a paused opt-in template: the thread says so and no request leaves; approved again, the request goes @operations', async ({
  page,
  greenline,
}) => {
  const dispatch = async (channel: string, payload: unknown) => {
    const result = await greenline.host.engine.dispatch({ userId: 'priya' }, channel, payload)
    if (!result.ok) throw new Error(result.error.message)
    return result.value as { id: string }
  }
  const contact = await dispatch('contacts:create', { name: 'Ana Souza', phone: ANA })
  await greenline.sandbox('/sandbox/templates/greenline_opt_in', { status: 'PAUSED' })
  // WhatsApp Manager's state as Greenline reads it (the status webhook tells it too).
  await dispatch('templates:list', {})

  await greenline.open(page, 'priya')
  await page.goto(`${greenline.url}/#/contacts/${contact.id}/history`)
  await page.getByTestId('start-whatsapp').click()
  await expect(page.getByTestId('thread')).toBeVisible()
  await send(page, 'Your results are ready.')
  await page.getByTestId('optin-confirm').click()
  await expectLine(page, 'The consent request template is paused by WhatsApp — ask your admin.')
  await expect(page.getByTestId('message-bubble').filter({ hasText: 'Your results are ready.' })).toContainText(
    'Waiting for Ana Souza to accept the opt-in request',
  )
  expect(await greenline.sandbox<unknown[]>(`/sandbox/deliveries?phone=${encodeURIComponent(ANA)}`)).toEqual([])

  await greenline.sandbox('/sandbox/templates/greenline_opt_in', { status: 'APPROVED' })
  await dispatch('templates:list', {})
  await send(page, 'Call us to book a follow-up.')
  await expect
    .poll(async () =>
      (await greenline.sandbox<Array<{ type: string }>>(`/sandbox/deliveries?phone=${encodeURIComponent(ANA)}`)).map((d) => d.type),
    )
    .toEqual(['template'])
  await greenline.sandbox(`/sandbox/users/${encodeURIComponent(ANA)}/messages`, { buttonPayload: 'CONSENT_YES' })
  await expect.poll(() => textsTo(greenline.sandbox, ANA)).toEqual(['Your results are ready.', 'Call us to book a follow-up.'])
})

test('a guest writes first: the reply goes out with no template @operations', async ({ page, greenline }) => {
  const result = await greenline.host.engine.dispatch({ userId: 'priya' }, 'contacts:create', { name: 'Ana Souza', phone: ANA })
  if (!result.ok) throw new Error(result.error.message)
  await greenline.sandbox(`/sandbox/users/${encodeURIComponent(ANA)}/messages`, { text: 'Hello, can I move my appointment?' })

  await greenline.open(page, 'priya')
  await page.getByTestId('conversation-row').filter({ hasText: 'Ana Souza' }).click()
  await expect(page.getByTestId('message-bubble').filter({ hasText: 'can I move my appointment?' })).toBeVisible()
  await expect(page.getByTestId('state-banner')).toHaveAttribute('data-state', 'active')
  await send(page, 'Of course, which day suits you?')
  await expect
    .poll(async () =>
      (await greenline.sandbox<Array<{ type: string }>>(`/sandbox/deliveries?phone=${encodeURIComponent(ANA)}`)).map((d) => d.type),
    )
    .toEqual(['text'])
  await expect(page.getByTestId('optin-confirm')).toBeHidden()
})

test('an account lock: messages wait with the reason, everyone is told; lifted, they go out in order @operations', async ({
  page,
  greenline,
}) => {
  const result = await greenline.host.engine.dispatch({ userId: 'priya' }, 'contacts:create', { name: 'Ana Souza', phone: ANA })
  if (!result.ok) throw new Error(result.error.message)
  await greenline.open(page, 'priya')
  await startConsentedThread(page, greenline.url, (result.value as { id: string }).id, ANA, greenline.sandbox, 'Welcome!')
  await greenline.sandbox('/sandbox/users/' + encodeURIComponent(ANA) + '/messages', { text: 'Thanks' })

  await greenline.sandbox('/sandbox/account', { error: 131031 })
  await send(page, 'First after the lock')
  await send(page, 'Second after the lock')
  await expect(page.getByTestId('account-paused')).toBeVisible()
  await expect(page.getByTestId('account-paused-reason')).toContainText(/locked/i)
  for (const text of ['First after the lock', 'Second after the lock']) {
    await expect(page.getByTestId('message-bubble').filter({ hasText: text }).getByTestId('message-hold-reason')).toBeVisible()
  }
  expect(await textsTo(greenline.sandbox, ANA)).toEqual(['Welcome!'])

  await greenline.sandbox('/sandbox/account', { error: null })
  await page.getByTestId('account-resume').click()
  await expect(page.getByTestId('account-paused')).toBeHidden()
  await expect.poll(() => textsTo(greenline.sandbox, ANA)).toEqual(['Welcome!', 'First after the lock', 'Second after the lock'])
})

test('react and quote both ways: the office user’s reach the phone, the guest’s show in the thread @operations', async ({
  page,
  greenline,
}) => {
  const result = await greenline.host.engine.dispatch({ userId: 'priya' }, 'contacts:create', { name: 'Ana Souza', phone: ANA })
  if (!result.ok) throw new Error(result.error.message)
  await greenline.open(page, 'priya')
  await startConsentedThread(page, greenline.url, (result.value as { id: string }).id, ANA, greenline.sandbox, 'Your order shipped.')
  const user = `/sandbox/users/${encodeURIComponent(ANA)}/messages`
  const asked = await greenline.sandbox<{ id: string }>(user, { text: 'Is it insured?' })
  // The bubble itself (a reply quoting it contains its text too).
  const question = page.locator('[data-testid="message-bubble"][data-direction="in"]').filter({ hasText: 'Is it insured?' })
  await expect(question).toBeVisible()

  // The office user quotes the question and reacts to it.
  await question.getByTestId('message-reply').click()
  await expect(page.getByTestId('composer-quote')).toContainText('Is it insured?')
  await send(page, 'Yes, fully.')
  await expect(page.getByTestId('message-bubble').filter({ hasText: 'Yes, fully.' }).getByTestId('message-quote')).toContainText(
    'Is it insured?',
  )
  await question.getByTestId('message-react').click()
  await expect(question.getByTestId('message-reactions')).toContainText('👍')
  const deliveries = () =>
    greenline.sandbox<Array<{ id: string; type: string; text?: string; contextId?: string; reaction?: { emoji: string } }>>(
      `/sandbox/deliveries?phone=${encodeURIComponent(ANA)}`,
    )
  await expect.poll(async () => (await deliveries()).find((d) => d.text === 'Yes, fully.')?.contextId).toBe(asked.id)
  await expect.poll(async () => (await deliveries()).find((d) => d.type === 'reaction')?.reaction?.emoji).toBe('👍')

  // The guest reacts to the office user's message and quotes it.
  const shipped = (await deliveries()).find((d) => d.text === 'Your order shipped.')!
  await greenline.sandbox(user, { reaction: { messageId: shipped.id, emoji: '🎉' } })
  await greenline.sandbox(user, { text: 'Great, thanks!', replyTo: shipped.id })
  await expect(
    page
      .locator('[data-testid="message-bubble"][data-direction="out"]')
      .filter({ hasText: 'Your order shipped.' })
      .getByTestId('message-reactions'),
  ).toContainText('🎉')
  await expect(page.getByTestId('message-bubble').filter({ hasText: 'Great, thanks!' }).getByTestId('message-quote')).toContainText(
    'Your order shipped.',
  )
})

test('a username-only WhatsApp user writes first: the thread, the reply and the contact work without a number @operations', async ({
  page,
  greenline,
}) => {
  const KAI = '+14155550150'
  await greenline.sandbox('/sandbox/users', { phone: KAI, name: 'Kai', username: 'kai.design' })
  await greenline.sandbox(`/sandbox/users/${encodeURIComponent(KAI)}/messages`, { text: 'Do you ship to Lisbon?' })

  await greenline.open(page, 'priya')
  await page.getByTestId('conversation-row').filter({ hasText: 'Kai' }).click()
  await expect(page.getByTestId('message-bubble').filter({ hasText: 'Do you ship to Lisbon?' })).toBeVisible()
  await send(page, 'We do, within 3 days.')
  // Several colleagues share a thread a stranger opened: the reply names its writer.
  await expect.poll(() => textsTo(greenline.sandbox, KAI)).toEqual([expect.stringMatching(/We do, within 3 days\.$/)])

  const contacts = (await greenline.host.engine.dispatch({ userId: 'priya' }, 'contacts:list', {})) as {
    ok: true
    value: Array<{ id: string; name: string; phone?: string }>
  }
  const kai = contacts.value.find((c) => c.name === 'Kai')!
  expect(kai.phone).toBeUndefined()
  await page.goto(`${greenline.url}/#/contacts/${kai.id}`)
  await expect(page.getByTestId('contact-phone')).toHaveText('No number shared — reachable on WhatsApp')
  await expect(page.getByTestId('contact-call')).toHaveCount(0)
  await page.getByTestId('contact-whatsapp').click()
  // Their thread is open: continue it.
  await page.getByTestId('continue-thread').click()
  await expect(page.getByTestId('message-bubble').filter({ hasText: 'Do you ship to Lisbon?' })).toBeVisible()
})

test('the window closed: the office user picks an approved template, fills it, and it reaches the phone @operations', async ({
  page,
  greenline,
}) => {
  const result = await greenline.host.engine.dispatch({ userId: 'priya' }, 'contacts:create', { name: 'Ana Souza', phone: ANA })
  if (!result.ok) throw new Error(result.error.message)
  await greenline.open(page, 'priya')
  await startConsentedThread(page, greenline.url, (result.value as { id: string }).id, ANA, greenline.sandbox, 'Welcome!')
  await greenline.sandbox('/sandbox/clock', { advanceMs: 25 * 60 * 60 * 1000 })

  await page.getByTestId('template-open').click()
  await page.getByTestId('template-choice').selectOption('appointment_reminder:en_US')
  await page.getByTestId('template-field-1').fill('Ana')
  await expect(page.getByTestId('template-send')).toBeDisabled()
  await page.getByTestId('template-field-2').fill('Monday at 10:00')
  const text = 'Hello Ana, this is a reminder of your appointment on Monday at 10:00. Reply to confirm or reschedule.'
  await expect(page.getByTestId('template-preview')).toHaveText(text)
  await page.getByTestId('template-send').click()
  await expect(page.getByTestId('message-bubble').filter({ hasText: text })).toBeVisible()
  await expect
    .poll(async () =>
      (await greenline.sandbox<Array<{ type: string; text?: string }>>(`/sandbox/deliveries?phone=${encodeURIComponent(ANA)}`)).at(-1),
    )
    .toMatchObject({ type: 'template', text })
})
