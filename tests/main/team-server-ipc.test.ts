// @team-client: the Settings → Team server IPC and safeStorage glue, with a mocked electron.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createIpcMain, createSafeStorage, FakeWebContents } from './fake-electron'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { openSettings } = await import('../../electron/main/settings')
const { createDesktopTeamSession, registerTeamServerIpc, safeStorageEncryptor } = await import('../../electron/main/team-server')
const { freePort } = await import('../../electron/core/http/http-util')

const APP = 'file:///app/index.html'

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'greenline-team-ipc-'))
  const settings = openSettings({ cwd: dir })
  const shell = { openExternal: vi.fn(() => Promise.resolve()) }
  const session = createDesktopTeamSession({ userDataDir: dir, settings, safeStorage: createSafeStorage(), shell, platform: 'darwin' })
  const ipcMain = createIpcMain()
  const window = new FakeWebContents()
  const stop = registerTeamServerIpc({ ipcMain, session, isTrustedSender: (url) => url === APP, targets: () => [window as never] })
  return { settings, shell, session, ipcMain, window, stop }
}

describe('Team server settings over IPC @team-client', () => {
  it('answers the app page only, validates payloads, and says when the server cannot be reached', async () => {
    const { ipcMain, window, settings, shell, stop, session } = setup()
    expect(await ipcMain.invoke('api:team:status', 'https://evil.example/')).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ipcMain.invoke('api:team:signIn', APP, { serverUrl: '' })).toMatchObject({ ok: false, error: { code: 'invalid' } })
    const closed = `http://127.0.0.1:${await freePort()}`
    const result = (await ipcMain.invoke('api:team:signIn', APP, { serverUrl: closed })) as {
      ok: true
      value: { connection: string; message: string }
    }
    expect(result.value.connection).toBe('signed-out')
    expect(result.value.message).toMatch(/Can't reach the Greenline server/)
    // The browser is never opened for a server that is not there; the address is remembered.
    expect(shell.openExternal).not.toHaveBeenCalled()
    expect(settings.teamServer()).toEqual({ serverUrl: closed })
    expect(window.sent.some(([channel]) => channel === 'event:team:changed')).toBe(true)
    stop()
    session.close()
    expect(ipcMain.handlers.size).toBe(0)
  })

  it('@security treats the Linux basic_text keychain as none', () => {
    const weak = { ...createSafeStorage(), getSelectedStorageBackend: vi.fn(() => 'basic_text' as const) }
    expect(safeStorageEncryptor(weak, 'linux').isEncryptionAvailable()).toBe(false)
    expect(safeStorageEncryptor(weak, 'win32').isEncryptionAvailable()).toBe(true)
  })
})
