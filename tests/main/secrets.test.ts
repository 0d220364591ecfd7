import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createSafeStorage } from './fake-electron'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { openSettings } = await import('../../electron/main/settings')
const { SecretVault, SecretsUnavailableError } = await import('../../electron/main/secrets')
const { resolveDesktopWhatsApp } = await import('../../electron/main/runtime')

const TOKEN = 'EAAG-live-access-token-0123456789'
const SECRET = 'app-secret-abcdef0123456789'

function setup(available = true) {
  const settings = openSettings({ cwd: mkdtempSync(join(tmpdir(), 'greenline-secrets-')) })
  const safeStorage = createSafeStorage(available)
  return { settings, safeStorage, vault: new SecretVault(settings, safeStorage) }
}

describe('secrets', () => {
  it('@security refuse the Linux basic_text backend (a fixed public password), not other platforms', () => {
    const settings = openSettings({ cwd: mkdtempSync(join(tmpdir(), 'greenline-secrets-')) })
    const weak = { ...createSafeStorage(), getSelectedStorageBackend: vi.fn(() => 'basic_text' as const) }
    expect(() => new SecretVault(settings, weak, 'linux').save({ accessToken: TOKEN })).toThrow(SecretsUnavailableError)
    expect(weak.encryptString).not.toHaveBeenCalled()
    expect(readFileSync(settings.path, 'utf8')).not.toContain('accessToken')
    const keyring = { ...createSafeStorage(), getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret' as const) }
    new SecretVault(settings, keyring, 'linux').save({ accessToken: TOKEN })
    expect(keyring.encryptString).toHaveBeenCalledWith(TOKEN)
  })

  it('go through safeStorage: encryptString is called and the settings file never holds the plain values', () => {
    const { settings, safeStorage, vault } = setup()
    vault.save({ accessToken: TOKEN, appSecret: SECRET })
    expect(safeStorage.encryptString).toHaveBeenCalledWith(TOKEN)
    expect(safeStorage.encryptString).toHaveBeenCalledWith(SECRET)
    const file = readFileSync(settings.path, 'utf8')
    expect(file).not.toContain(TOKEN)
    expect(file).not.toContain(SECRET)
    expect(file).not.toContain(Buffer.from(TOKEN).toString('base64'))
    expect(JSON.parse(file).secrets.accessToken).toBe(safeStorage.encryptString.mock.results[0].value.toString('base64'))

    expect(vault.load()).toEqual({ accessToken: TOKEN, appSecret: SECRET })
    expect(safeStorage.decryptString).toHaveBeenCalled()
  })

  it('are not stored at all when the OS has no encryption', () => {
    const { settings, vault } = setup(false)
    expect(() => vault.save({ accessToken: TOKEN })).toThrow(SecretsUnavailableError)
    expect(readFileSync(settings.path, 'utf8')).not.toContain(TOKEN)
    expect(settings.encryptedSecrets()).toEqual({})
  })

  it('moves plain secrets an administrator put in the settings file into safeStorage', () => {
    const { settings, vault } = setup()
    settings.setWhatsApp({ phoneNumberId: '106540352242922', accessToken: TOKEN, appSecret: SECRET })
    expect(vault.absorbPlainSecrets().sort()).toEqual(['accessToken', 'appSecret'])
    const file = readFileSync(settings.path, 'utf8')
    expect(file).not.toContain(TOKEN)
    expect(file).not.toContain(SECRET)
    expect(settings.whatsapp()).toEqual({ phoneNumberId: '106540352242922' })
    expect(vault.load()).toEqual({ accessToken: TOKEN, appSecret: SECRET })
  })

  it('drops a secret that cannot be decrypted (another machine’s keychain)', () => {
    const { settings, vault } = setup()
    settings.setEncryptedSecrets({ accessToken: Buffer.from('garbage').toString('base64') })
    expect(vault.load()).toEqual({})
  })

  it('keychain secrets override the org file and environment, and never show in the config’s JSON', () => {
    const config = resolveDesktopWhatsApp(
      { whatsapp: { phoneNumberId: '106540352242922', accessToken: 'org-token', appSecret: 'org-secret' } },
      { env: {}, secrets: { accessToken: TOKEN, appSecret: SECRET } },
    )
    expect(config.mode).toBe('cloud')
    expect(config.accessToken).toBe(TOKEN)
    expect(config.appSecret).toBe(SECRET)
    expect(JSON.stringify(config)).not.toContain(TOKEN)
    expect(resolveDesktopWhatsApp(undefined, { env: {}, secrets: {} }).mode).toBe('sandbox')
  })
})
