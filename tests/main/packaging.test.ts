import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { releaseConfig } from '../../electron/scripts/release-config.mjs'

const root = process.cwd()
const require = createRequire(join(root, 'package.json'))
const yaml = require('js-yaml') as { load(text: string): any }
const { minimatch } = require('minimatch') as { minimatch(path: string, pattern: string, options?: object): boolean }
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>
}
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'))
const validate = (candidate: unknown) => validateConfiguration(candidate, { add() {}, isEnabled: false })

/**
 * Whether electron-builder puts `path` (relative to the project) into the app: the project's own
 * files only when a `files` pattern includes them, production node_modules unless one excludes
 * them; the last matching pattern wins, as in electron-builder.
 */
function packaged(path: string): boolean {
  let included = path.startsWith('node_modules/')
  for (const pattern of config.files as string[]) {
    const negated = pattern.startsWith('!')
    if (minimatch(path, negated ? pattern.slice(1) : pattern, { dot: true })) included = !negated
  }
  return included
}
const unpacked = (path: string) => (config.asarUnpack as string[]).some((pattern) => minimatch(path, pattern, { dot: true }))

function walk(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [relative(root, path)]
  })
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema, as written and as prepared for each platform', async () => {
    await expect(validate(config)).resolves.toBeUndefined()
    const env = { GREENLINE_UPDATE_URL: 'https://updates.example-office.com/greenline' }
    for (const platform of ['win', 'mac', 'linux'] as const) {
      await expect(validate(releaseConfig(config, platform, env).config), platform).resolves.toBeUndefined()
    }
    const signed = {
      ...env,
      AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://eus.codesigning.azure.net',
      AZURE_TRUSTED_SIGNING_ACCOUNT: 'greenline',
      AZURE_TRUSTED_SIGNING_PROFILE: 'public',
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      AZURE_CLIENT_SECRET: 's',
      CSC_LINK: 'cert.p12',
      APPLE_API_KEY: 'key.p8',
      APPLE_API_KEY_ID: 'k',
      APPLE_API_ISSUER: 'i',
    }
    await expect(validate(releaseConfig(config, 'win', signed).config)).resolves.toBeUndefined()
    await expect(validate(releaseConfig(config, 'mac', signed).config)).resolves.toBeUndefined()
  })

  it('builds Windows NSIS and MSI, macOS dmg and zip per arch, Linux AppImage and deb, for x64 and arm64', () => {
    const targets = (platform: string) => Object.fromEntries(config[platform].target.map((t: any) => [t.target, t.arch]))
    expect(targets('win')).toEqual({ nsis: ['x64', 'arm64'], msi: ['x64', 'arm64'] })
    expect(targets('mac')).toEqual({ dmg: ['x64', 'arm64'], zip: ['x64', 'arm64'] })
    expect(targets('linux')).toEqual({ AppImage: ['x64', 'arm64'], deb: ['x64', 'arm64'] })
    expect(JSON.stringify(config.mac.target)).not.toContain('universal') // sharp ships per-arch binaries
    expect(config.msi).toMatchObject({ perMachine: true, upgradeCode: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    expect(config.mac).toMatchObject({ hardenedRuntime: true, entitlements: 'resources/entitlements.mac.plist' })
    expect(config).toMatchObject({ appId: 'com.greenline.desktop', productName: 'Greenline', npmRebuild: true, asar: true })
    expect(config.protocols[0].schemes).toEqual(['greenline'])
    // Electron names the data and logs folders after package.json's productName (electron-builder
    // does not copy its own productName there): %APPDATA%\Greenline, ~/Library/Logs/Greenline.
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).productName).toBe(config.productName)
  })

  it('turns the Electron fuses on: no RunAsNode, encrypted cookies, ASAR integrity', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    })
  })

  it('publishes to a generic HTTPS feed given by the build machine, or builds without one and says so', () => {
    expect(config.publish).toEqual([{ provider: 'generic', url: '${env.GREENLINE_UPDATE_URL}', channel: 'latest' }])
    const withFeed = releaseConfig(config, 'linux', { GREENLINE_UPDATE_URL: 'https://u.example.com/gl', GREENLINE_UPDATE_CHANNEL: 'beta' })
    expect(withFeed.config.publish).toEqual([{ provider: 'generic', url: 'https://u.example.com/gl', channel: 'beta' }])
    const without = releaseConfig(config, 'linux', {})
    expect(without.config.publish).toBeNull()
    expect(without.notices.join('\n')).toContain('No update feed built in')
    expect(() => releaseConfig(config, 'linux', { GREENLINE_UPDATE_URL: 'http://u.example.com' })).toThrow('must be an https:// URL')
    expect(() => releaseConfig(config, 'beos' as never, {})).toThrow('Unknown platform "beos"')
  })

  it('signs Windows with Azure Trusted Signing or signtool from the environment, and says clearly when it does not', () => {
    const unsigned = releaseConfig(config, 'win', {})
    expect(unsigned.config.win.azureSignOptions).toBeUndefined()
    expect(unsigned.config.win.signtoolOptions).toBeUndefined()
    expect(unsigned.notices.join('\n')).toContain('Windows: NOT SIGNED')

    const azure = releaseConfig(config, 'win', {
      AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://eus.codesigning.azure.net',
      AZURE_TRUSTED_SIGNING_ACCOUNT: 'greenline',
      AZURE_TRUSTED_SIGNING_PROFILE: 'public',
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      AZURE_CLIENT_SECRET: 's',
      GREENLINE_WIN_PUBLISHER: 'Greenline Ltd',
    })
    expect(azure.config.win.azureSignOptions).toEqual({
      publisherName: 'Greenline Ltd',
      endpoint: 'https://eus.codesigning.azure.net',
      codeSigningAccountName: 'greenline',
      certificateProfileName: 'public',
    })
    expect(() =>
      releaseConfig(config, 'win', {
        AZURE_TRUSTED_SIGNING_ENDPOINT: 'e',
        AZURE_TRUSTED_SIGNING_ACCOUNT: 'a',
        AZURE_TRUSTED_SIGNING_PROFILE: 'p',
      }),
    ).toThrow('AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET')

    const signtool = releaseConfig(config, 'win', { WIN_CSC_LINK: 'C:\\certs\\greenline.pfx' })
    expect(signtool.config.win.signtoolOptions).toMatchObject({ signingHashAlgorithms: ['sha256'] })
    expect(config.win.signtoolOptions).toBeUndefined() // the base configuration is left as it was
  })

  it('signs and notarizes macOS only with credentials from the environment', () => {
    const bare = releaseConfig(config, 'mac', {})
    expect(bare.config.mac).toMatchObject({ identity: null, notarize: false })
    expect(bare.notices.join('\n')).toContain('macOS: NOT SIGNED')
    const signedOnly = releaseConfig(config, 'mac', { CSC_LINK: 'id.p12' })
    expect(signedOnly.config.mac.notarize).toBe(false)
    expect(signedOnly.notices.join('\n')).toContain('NOT NOTARIZED')
    const notarized = releaseConfig(config, 'mac', {
      CSC_LINK: 'id.p12',
      APPLE_ID: 'a@b.c',
      APPLE_APP_SPECIFIC_PASSWORD: 'p',
      APPLE_TEAM_ID: 'T',
    })
    expect(notarized.config.mac).toMatchObject({ notarize: true, hardenedRuntime: true })
    expect(notarized.config.mac.identity).toBeUndefined()
  })

  it('packages the app, its sandbox and its native module, and no sources, tests, benchmarks or other hosts', () => {
    for (const path of [
      'out/main/index.js',
      'out/main/sandbox.js',
      'out/main/chunks/engine-abc.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'package.json',
    ]) {
      expect(packaged(path), path).toBe(true)
    }
    for (const path of [
      'out/main/host.js',
      'out/main/server.js',
      'out/main/index.js.map',
      'electron/main/index.ts',
      'src/App.vue',
      'README.md',
    ]) {
      expect(packaged(path), path).toBe(false)
    }
    // Everything in the repository itself stays out (tests, benchmarks, fixtures, scripts, sources).
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).trim().split('\n')
    const leaked = tracked.filter((path) => packaged(path) && !path.startsWith('resources/') && path !== 'package.json')
    expect(leaked).toEqual([])
    expect(tracked.filter((path) => path.startsWith('tests/') && packaged(path))).toEqual([])

    // better-sqlite3 as installed: its JavaScript and its one .node file, unpacked; no C sources or build leftovers.
    const sqlite = walk(join(root, 'node_modules', 'better-sqlite3')).filter(packaged)
    expect(sqlite).toContain('node_modules/better-sqlite3/build/Release/better_sqlite3.node')
    expect(sqlite).toContain('node_modules/better-sqlite3/lib/database.js')
    expect(sqlite.filter((path) => path.endsWith('.node'))).toEqual(['node_modules/better-sqlite3/build/Release/better_sqlite3.node'])
    expect(sqlite.filter((path) => /\/(deps|src|obj|obj\.target)\//.test(path) || /\.(c|cpp|a|gyp|mk)$/.test(path))).toEqual([])
    expect(unpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true)
    expect(unpacked('node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node')).toBe(true)
    expect(unpacked('node_modules/better-sqlite3/lib/database.js')).toBe(false)
    expect(packaged('node_modules/zod/tests/object.test.ts')).toBe(false)
  })

  it('finds its icons and entitlements in resources/', () => {
    for (const file of ['icon.png', 'tray.png', 'tray@2x.png', 'badge.png', 'entitlements.mac.plist']) {
      expect(existsSync(join(root, 'resources', file)), file).toBe(true)
    }
    const png = readFileSync(join(root, 'resources', 'icon.png'))
    expect(png.readUInt32BE(16)).toBe(512)
    expect(png.readUInt32BE(20)).toBe(512)
  })

  it('has build:win, build:mac and build:linux scripts that package through the prepared configuration', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts
    for (const platform of ['win', 'mac', 'linux'])
      expect(scripts[`build:${platform}`]).toBe(`node electron/scripts/package.mjs ${platform}`)
  })
})

describe('the release workflow', () => {
  it('packages every platform and arch on its own runner and merges their update metadata', async () => {
    const workflow = yaml.load(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8'))
    const matrix = workflow.jobs.package.strategy.matrix.include.map((job: any) => `${job.platform}-${job.arch}`)
    expect(matrix.sort()).toEqual(['linux-arm64', 'linux-x64', 'mac-arm64', 'mac-x64', 'win-arm64', 'win-x64'])
    expect(JSON.stringify(workflow.jobs.package.steps)).toContain('npm run build:${{ matrix.platform }} -- --${{ matrix.arch }}')

    const { mergeMetadata } = await import('../../electron/scripts/merge-update-metadata.mjs')
    const x64 = { version: '1.2.0', files: [{ url: 'Greenline-Setup-1.2.0-x64.exe', sha512: 'a' }], path: 'Greenline-Setup-1.2.0-x64.exe' }
    const arm64 = { version: '1.2.0', files: [{ url: 'Greenline-Setup-1.2.0-arm64.exe', sha512: 'b' }] }
    expect(mergeMetadata([x64, arm64]).files.map((file) => file.url)).toEqual([
      'Greenline-Setup-1.2.0-x64.exe',
      'Greenline-Setup-1.2.0-arm64.exe',
    ])
  })
})
