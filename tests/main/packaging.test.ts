import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = process.cwd()
const require = createRequire(join(root, 'package.json'))
const yaml = require('js-yaml') as { load(text: string): any }
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'))

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own configuration schema', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>
    }
    await expect(validateConfiguration(config, { add() {}, isEnabled: false })).resolves.toBeUndefined()
  })

  it('packages Windows NSIS, macOS DMG (hardened runtime) and Linux AppImage with the deep-link protocol', () => {
    expect(config).toMatchObject({ appId: 'com.greenline.desktop', productName: 'Greenline', npmRebuild: true })
    expect(config.files).toContain('out/**')
    expect(config.win.target[0].target).toBe('nsis')
    expect(config.mac).toMatchObject({ hardenedRuntime: true, entitlements: 'resources/entitlements.mac.plist' })
    expect(config.mac.target[0].target).toBe('dmg')
    expect(config.linux.target).toContain('AppImage')
    expect(config.protocols[0].schemes).toEqual(['greenline'])
    expect(config.asarUnpack.join(' ')).toMatch(/better-sqlite3.*sharp/)
  })

  it('finds its icons and entitlements in resources/', () => {
    for (const file of ['icon.png', 'tray.png', 'tray@2x.png', 'badge.png', 'entitlements.mac.plist']) {
      expect(existsSync(join(root, 'resources', file)), file).toBe(true)
    }
    const png = readFileSync(join(root, 'resources', 'icon.png'))
    expect(png.readUInt32BE(16)).toBe(512)
    expect(png.readUInt32BE(20)).toBe(512)
  })
})
