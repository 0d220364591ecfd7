import type { Page } from '@playwright/test'
import { expectLine, send, startConsentedThread, textsTo } from './thread-steps'
import { api, expect, test, type Greenline } from './fixtures'

const ANA = '+14155550101'

/** Calls the engine as an org user, as the renderer does over the WebSocket. */

/** Signs in and waits for the first route: the router follows address changes only after it. */
async function open(page: Page, greenline: Greenline, userId: string): Promise<void> {
  await greenline.open(page, userId)
  await expect(page.getByTestId('filter-all')).toBeVisible()
}

/**
 * Group messaging end to end: Priya (A) and Sam (B) in two browser contexts, Ana on the phone
 * simulator. Every step is checked where it shows: the thread, the lists, Ana's phone and the
 * audit log.
 */
test('two colleagues share, transfer, leave and restart a WhatsApp conversation @groups', async ({ page, browser, greenline }) => {
  test.setTimeout(120_000)
  const ana = await api(greenline, 'priya', 'contacts:create', { name: 'Ana Souza', phone: ANA })

  const samContext = await browser.newContext()
  const samPage = await samContext.newPage()
  try {
    await open(page, greenline, 'priya')
    await open(samPage, greenline, 'sam')

    // A starts the conversation and asks for consent with the first message.
    const threadId = await startConsentedThread(page, greenline.url, ana.id, ANA, greenline.sandbox, 'Hi Ana, Priya from Greenline here')

    // A adds B.
    await page.getByTestId('participants-open').click()
    const panel = page.getByTestId('participants-panel')
    await expect(panel).toBeVisible()
    await expect(panel.getByTestId('participant-row')).toHaveCount(1)
    await panel.getByTestId('participant-add').click()
    await panel.getByTestId('participant-add-select').selectOption('sam')
    await panel.getByTestId('participant-add-confirm').click()
    await expect(panel.getByTestId('participant-row')).toHaveCount(2)
    await page.keyboard.press('Escape')
    await expect(panel).toBeHidden()
    await expect(page.getByTestId('participants-open')).toBeFocused()
    await expectLine(page, 'Priya Shah added Sam Lee')

    // B gets the thread with its whole history, and replies.
    const samRow = samPage.locator(`[data-testid="conversation-row"][data-id="${threadId}"]`)
    await samRow.click()
    await expect(samPage.getByTestId('thread')).toContainText('Hi Ana, Priya from Greenline here')
    await expectLine(samPage, 'Priya Shah added Sam Lee')
    await send(page, 'Sam will help with your invoice')
    await expect(samPage.getByTestId('thread')).toContainText('Sam will help with your invoice')
    await send(samPage, 'Hello Ana, Sam here')
    await expect(page.getByTestId('thread')).toContainText('Hello Ana, Sam here')

    // Ana sees who wrote what.
    await expect
      .poll(() => texts())
      .toEqual(expect.arrayContaining(['*Priya Shah*: Sam will help with your invoice', '*Sam Lee*: Hello Ana, Sam here']))
    const delivered = await texts()
    expect(delivered.filter((t) => t.startsWith('*Priya Shah*:') || t.startsWith('*Sam Lee*:'))).toHaveLength(2)

    // A transfers to B with a note and loses the thread.
    await page.getByTestId('participants-open').click()
    await panel.getByTestId('participant-transfer').click()
    await panel.getByTestId('transfer-to').selectOption('sam')
    await panel.getByTestId('transfer-note').fill('Ana wants the March invoice resent')
    await panel.getByTestId('transfer-confirm').click()
    await expect(page).toHaveURL(/#\/messages$/)
    await expect(page.locator(`[data-testid="conversation-row"][data-id="${threadId}"]`)).toHaveCount(0)
    await expectLine(samPage, 'Priya Shah transferred the conversation to Sam Lee: Ana wants the March invoice resent')

    // B leaves (removing nobody): the thread has ended.
    await samPage.getByTestId('participants-open').click()
    const samPanel = samPage.getByTestId('participants-panel')
    await expect(samPanel.getByTestId('participant-row')).toHaveCount(1)
    await samPanel.getByTestId('participant-leave').click()
    await samPanel.getByTestId('participant-leave-confirm').click()
    await expect(samPage).toHaveURL(/#\/messages$/)
    await expect(samRow).toHaveCount(0)

    // A finds it ended in Ana's history, reads it, and restarts it.
    await page.goto(`${greenline.url}/#/contacts/${ana.id}/history`)
    const ended = page.locator(`[data-testid="history-thread"][href$="${threadId}"]`)
    await expect(ended).toHaveAttribute('data-ended', 'true')
    await ended.click()
    await expectLine(page, 'Sam Lee left the conversation')
    await expectLine(page, 'The conversation ended')
    await expectLine(page, 'Priya Shah transferred the conversation to Sam Lee: Ana wants the March invoice resent')
    await expect(page.getByTestId('composer-input')).toBeDisabled()
    await page.getByTestId('participants-open').click()
    await panel.getByTestId('conversation-restart').click()
    await expect(page).not.toHaveURL(new RegExp(`${threadId}$`))
    await expect(page).toHaveURL(/#\/messages\/v_/)
    const restartedId = /#\/messages\/([^/?]+)/.exec(page.url())![1]
    await expectLine(page, 'Priya Shah restarted the conversation')
    await expect(page.getByTestId('composer-input')).toBeEnabled()
    await send(page, 'Back with the invoice')
    await expect.poll(() => texts()).toContain('Back with the invoice')
    // B left, so B does not get the restarted thread.
    await expect(samPage.locator(`[data-testid="conversation-row"][data-id="${restartedId}"]`)).toHaveCount(0)

    // The audit log holds every step, with who did it.
    const audit = (await api(greenline, 'priya', 'audit:list', { limit: 1000 })).slice().sort((a, b) => Number(a.id) - Number(b.id))
    const steps = audit
      .filter((a) => a.conversationId === threadId || a.conversationId === restartedId)
      .filter((a) => a.action.startsWith('conversation.') || a.action.startsWith('participant.'))
      .map((a) => [a.action, a.actorId, a.detail.userId ?? a.detail.toUserId ?? a.detail.note ?? a.detail.restartedFrom])
    expect(steps).toEqual([
      ['conversation.started', 'priya', undefined],
      ['participant.added', 'priya', 'sam'],
      ['conversation.transferred', 'priya', 'sam'],
      ['participant.left', 'sam', undefined],
      ['conversation.ended', 'sam', undefined],
      ['conversation.restarted', 'priya', threadId],
    ])
    expect(audit.find((a) => a.action === 'conversation.transferred')!.detail.note).toBe('Ana wants the March invoice resent')
  } finally {
    await samContext.close()
  }

  function texts(): Promise<string[]> {
    return textsTo(greenline.sandbox, ANA)
  }
})

test('the loser of a race is told why: A and B both transfer to C @groups', async ({ page, browser, greenline }) => {
  const ana = await api(greenline, 'priya', 'contacts:create', { name: 'Ana Souza', phone: ANA })
  const thread = await api(greenline, 'priya', 'conversations:start', { contactId: ana.id, channel: 'whatsapp', requestConsent: false })
  await api(greenline, 'priya', 'conversations:addParticipant', { id: thread.id, userId: 'sam' })
  const samContext = await browser.newContext()
  const samPage = await samContext.newPage()
  try {
    for (const [p, userId] of [
      [page, 'priya'],
      [samPage, 'sam'],
    ] as const) {
      await open(p, greenline, userId)
      await p.goto(`${greenline.url}/#/messages/${thread.id}`)
      await p.getByTestId('participants-open').click()
      await p.getByTestId('participant-transfer').click()
      await p.getByTestId('transfer-to').selectOption('alex')
    }
    await page.getByTestId('transfer-confirm').click()
    await expect(page).toHaveURL(/#\/messages$/)

    // Sam still has the thread; his transfer arrives second and is refused with the reason.
    const samPanel = samPage.getByTestId('participants-panel')
    await expect(samPanel.getByTestId('participant-row')).toHaveCount(2)
    await samPage.getByTestId('transfer-confirm').click()
    await expect(samPanel.getByRole('alert')).toHaveText(
      'Priya Shah already transferred this conversation to Alex Morgan, so yours was not transferred',
    )
    await expect(samPage).toHaveURL(new RegExp(`#/messages/${thread.id}$`))
    const participants = (await api(greenline, 'alex', 'conversations:get', { id: thread.id })).participants.map((p) => p.userId)
    expect(participants).toEqual(['sam', 'alex'])
    await expect(
      samPage.getByTestId('system-line').filter({ hasText: 'Priya Shah transferred the conversation to Alex Morgan' }),
    ).toBeVisible()
  } finally {
    await samContext.close()
  }
})
