import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FakeBrowserWindow, FakeMenu, FakeTray } from './fake-electron'
import type { EngineHarness } from '../helpers/engine-harness'
import type { Message } from '../../electron/shared/domain'
import type { TrayController } from '../../electron/main/tray'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { ANA, BEN, startEngineHarness } = await import('../helpers/engine-harness')
const { openSettings } = await import('../../electron/main/settings')
const { SignedInUser } = await import('../../electron/main/signed-in-user')
const { createTray } = await import('../../electron/main/tray')
const { showUnreadBadge } = await import('../../electron/main/badge')

let harness: EngineHarness
let tray: TrayController
let fake: FakeTray
const actions = { open: vi.fn(), quickReply: vi.fn(), setDoNotDisturb: vi.fn(), setStartAtLogin: vi.fn(), showLogs: vi.fn(), quit: vi.fn() }
const onCounts = vi.fn()

beforeAll(async () => {
  harness = await startEngineHarness()
  const settings = openSettings({ cwd: mkdtempSync(join(tmpdir(), 'greenline-tray-')) })
  const user = new SignedInUser(settings, harness.engine)
  user.set('priya')
  tray = createTray({
    Tray: FakeTray as never,
    Menu: FakeMenu as never,
    icon: 'tray.png',
    engine: harness.engine,
    user,
    doNotDisturb: () => false,
    startAtLogin: () => false,
    actions,
    onCounts,
    debounceMs: 5,
  })
  fake = FakeTray.instances.at(-1)!
  await tray.refresh()
})

afterAll(async () => {
  tray?.destroy()
  await harness?.close()
})

const labels = () => fake.menu!.template.map((item) => item.label ?? item.type)

describe('tray', () => {
  it('starts with empty counts and the fixed menu items', () => {
    expect(fake.tooltip).toBe('Greenline — 0 unread · 0 queued')
    expect(labels()).toEqual([
      '0 unread · 0 queued',
      'separator',
      'No unread conversations',
      'separator',
      'Open Greenline',
      'Do not disturb',
      'Start at login',
      'separator',
      'Show log files',
      'Quit Greenline',
    ])
    fake.item('open').click()
    fake.item('logs').click()
    fake.item('quit').click()
    fake.item('dnd').click({ checked: true })
    expect(actions.open).toHaveBeenCalled()
    expect(actions.quit).toHaveBeenCalled()
    expect(actions.showLogs).toHaveBeenCalled()
    expect(actions.setDoNotDisturb).toHaveBeenCalledWith(true)
    expect(fake.item('dnd')).toMatchObject({ type: 'checkbox', checked: false })
  })

  it('follows inbound messages: unread count in the tooltip, the conversation in the menu opening the quick reply', async () => {
    const { conversation } = await harness.openChat(ANA, 'Ana Souza')
    harness.sandbox.userWrites(ANA, { text: 'Is my crown ready?' })
    harness.sandbox.userWrites(ANA, { text: 'Thanks!' })
    await harness.settle()
    await vi.waitFor(() => expect(fake.tooltip).toBe('Greenline — 2 unread · 0 queued'))
    const item = fake.item(`conversation:${conversation.id}`)
    expect(item.label).toBe('Ana Souza (2)')
    item.click()
    expect(actions.quickReply).toHaveBeenCalledWith(conversation.id)
    expect(onCounts).toHaveBeenLastCalledWith(expect.objectContaining({ unread: 2 }))
  })

  it('counts messages waiting in the outbox as queued, and failed sends', async () => {
    const { conversation } = await harness.openChat(BEN, 'Ben Okafor')
    const held = await harness.as('priya')('messages:send', { conversationId: conversation.id, text: 'Waiting for consent' })
    expect(held.status).toBe('held')
    await vi.waitFor(() => expect(fake.tooltip).toBe('Greenline — 2 unread · 1 queued'))

    // A failed send reported by the engine's event feed.
    const failed: Message = { ...held, status: 'failed', error: 'Rejected', holdReason: undefined }
    harness.engine.ctx.events.publish(['priya'], 'messages:changed', failed)
    await vi.waitFor(() => expect(fake.tooltip).toBe('Greenline — 2 unread · 1 queued · 1 failed'))
    harness.engine.ctx.events.publish(['priya'], 'messages:changed', { ...failed, status: 'queued' })
    await vi.waitFor(() => expect(fake.tooltip).toBe('Greenline — 2 unread · 1 queued'))
  })

  it('drops the conversation from the menu once it is read', async () => {
    const [conversation] = await harness.as('priya')('conversations:list', { unread: true })
    await harness.as('priya')('conversations:markRead', { id: conversation.id })
    await vi.waitFor(() => expect(fake.tooltip).toBe('Greenline — 0 unread · 1 queued'))
    expect(labels()).toContain('No unread conversations')
  })
})

describe('dock and taskbar badge', () => {
  it('uses the dock count on macOS and the overlay icon on Windows', () => {
    const app = { setBadgeCount: vi.fn(() => true) }
    showUnreadBadge({ app, platform: 'darwin' }, 3)
    expect(app.setBadgeCount).toHaveBeenCalledWith(3)

    const window = new FakeBrowserWindow({})
    const overlay = { isEmpty: () => false }
    showUnreadBadge({ app, platform: 'win32', window: window as never, overlay: overlay as never }, 4)
    expect(window.overlay).toEqual({ image: overlay, description: '4 unread' })
    showUnreadBadge({ app, platform: 'win32', window: window as never, overlay: overlay as never }, 0)
    expect(window.overlay).toEqual({ image: null, description: '' })
    expect(app.setBadgeCount).toHaveBeenCalledTimes(1)
  })

  it('speaks the window’s language: switching it in Settings rewrites the menu at once', async () => {
    const { createAppLanguage, LANGUAGE_CHANNEL } = await import('../../electron/main/language')
    const listeners = new Map<string, (event: unknown, locale: unknown) => void>()
    let german: TrayController | undefined = undefined
    const language = createAppLanguage({
      ipcMain: { on: (channel: string, listener: never) => listeners.set(channel, listener), removeListener: vi.fn() } as never,
      isTrustedSender: (url) => url === 'file:///app/index.html',
      systemLanguages: () => ['en-US'],
      stored: () => undefined,
      store: () => undefined,
      onChange: () => void german?.refresh(),
    })
    const settings = openSettings({ cwd: mkdtempSync(join(tmpdir(), 'greenline-tray-language-')) })
    german = createTray({
      Tray: FakeTray as never,
      Menu: FakeMenu as never,
      icon: 'tray.png',
      engine: harness.engine,
      user: new SignedInUser(settings, harness.engine),
      doNotDisturb: () => false,
      startAtLogin: () => false,
      text: (key, params) => language.text(key, params),
      actions,
      debounceMs: 5,
    })
    const shown = FakeTray.instances.at(-1)!
    await german.refresh()
    expect(shown.item('quit').label).toBe('Quit Greenline')
    listeners.get(LANGUAGE_CHANNEL)!({ senderFrame: { url: 'file:///app/index.html' } }, 'de')
    await german.refresh()
    expect(shown.item('open').label).toBe('Greenline öffnen')
    expect(shown.item('dnd').label).toBe('Nicht stören')
    expect(shown.item('quit').label).toBe('Greenline beenden')
    expect(shown.item('summary').label).toMatch(/^\d+ ungelesen · \d+ in Warteschlange/)
    expect(shown.tooltip).toMatch(/^Greenline — \d+ ungelesen/)
    german.destroy()
  })
})
