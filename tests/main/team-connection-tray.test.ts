// @team-client: the tray's connection line in team mode (tooltip and menu), with a mocked electron.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FakeMenu, FakeTray } from './fake-electron'
import type { TeamServerStatus } from '../../electron/shared/api/team-server'
import { connectionIndicator } from '../../electron/shared/connection-indicator'
import { PROBLEM_MESSAGES } from '../../electron/team-client/connection-errors'
import type { EngineHarness } from '../helpers/engine-harness'
import type { TrayController } from '../../electron/main/tray'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { startEngineHarness } = await import('../helpers/engine-harness')
const { openSettings } = await import('../../electron/main/settings')
const { SignedInUser } = await import('../../electron/main/signed-in-user')
const { createTray } = await import('../../electron/main/tray')
const { teamConnectionText } = await import('../../electron/main/team-shell')

const URL_ = 'https://greenline.acme.example'
const user = { id: 'priya', name: 'Priya Shah' }
let status: TeamServerStatus | undefined
let harness: EngineHarness
let tray: TrayController
let fake: FakeTray
const actions = {
  open: vi.fn(),
  quickReply: vi.fn(),
  setDoNotDisturb: vi.fn(),
  setStartAtLogin: vi.fn(),
  showLogs: vi.fn(),
  quit: vi.fn(),
  retryTeamNow: vi.fn(),
  openTeamSettings: vi.fn(),
}

beforeAll(async () => {
  harness = await startEngineHarness()
  const settings = openSettings({ cwd: mkdtempSync(join(tmpdir(), 'greenline-team-tray-')) })
  tray = createTray({
    Tray: FakeTray as never,
    Menu: FakeMenu as never,
    icon: 'tray.png',
    engine: harness.engine,
    user: new SignedInUser(settings, harness.engine),
    doNotDisturb: () => false,
    startAtLogin: () => false,
    actions,
    teamCounts: () => (status?.user ? { unread: 0, queued: status.outbox.waiting, failed: 0, recentUnread: [] } : undefined),
    teamConnection: () => connectionIndicator(status),
    debounceMs: 5,
  })
  fake = FakeTray.instances.at(-1)!
})

afterAll(async () => {
  tray?.destroy()
  await harness?.close()
})

const has = (id: string) => fake.menu!.template.some((item) => item.id === id)

describe('the tray in team mode @team-client', () => {
  it('says nothing of a team server in solo mode', async () => {
    status = { connection: 'signed-out', signingIn: false, outbox: { waiting: 0, failed: 0 } }
    await tray.refresh()
    expect(fake.tooltip).toBe('Greenline — 0 unread · 0 queued')
    expect(has('team-connection')).toBe(false)
  })

  it('shows connected, offline with the next try (and "Try to connect now"), reconnecting, signed out (and "Sign in again")', async () => {
    status = { serverUrl: URL_, user, connection: 'online', signingIn: false, outbox: { waiting: 0, failed: 0 } }
    await tray.refresh()
    expect(fake.tooltip).toBe('Greenline — 0 unread · 0 queued\nConnected to the team server')
    expect(fake.item('team-connection')).toMatchObject({ label: 'Connected to the team server', enabled: false })
    expect(has('team-retry')).toBe(false)

    const retryAt = new Date(2026, 11, 6, 10, 42, 5).getTime()
    status = { ...status, connection: 'offline', retryAt, message: PROBLEM_MESSAGES.unreachable, outbox: { waiting: 2, failed: 0 } }
    await tray.refresh()
    const offline = teamConnectionText({ state: 'offline', retryAt })
    expect(offline).toMatch(/^Offline — next try at .*42.*05/)
    expect(fake.tooltip).toBe(`Greenline — 0 unread · 2 queued\n${offline}`)
    expect(fake.item('team-connection').label).toBe(offline)
    fake.item('team-retry').click()
    expect(actions.retryTeamNow).toHaveBeenCalledTimes(1)

    status = { ...status, connection: 'connecting', retryAt: undefined, message: undefined }
    await tray.refresh()
    expect(fake.item('team-connection').label).toBe('Reconnecting to the team server…')
    expect(has('team-retry')).toBe(false)

    status = {
      serverUrl: URL_,
      connection: 'signed-out',
      signingIn: false,
      message: PROBLEM_MESSAGES['refused-token'],
      outbox: { waiting: 0, failed: 0 },
    }
    await tray.refresh()
    expect(fake.item('team-connection').label).toBe('Signed out of the team server')
    fake.item('team-sign-in').click()
    expect(actions.openTeamSettings).toHaveBeenCalledTimes(1)
  })
})
