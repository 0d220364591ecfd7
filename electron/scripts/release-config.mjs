// The electron-builder configuration for one platform: electron-builder.yml plus what only the
// build machine's environment can say (signing, notarization, the update feed). Pure: it returns
// the configuration and the notices to print, so it is tested without packaging anything.

const has = (env, ...names) => names.every((name) => Boolean(env[name]))

/**
 * Packaging runs electron-builder's @electron/rebuild and node-abi, which declare Node ≥ 22.12 in
 * their `engines`; tests and the hosts run on Node 20.19 too (README "Node versions").
 */
export const PACKAGING_NODE = { major: 22, minor: 12 }

/** Why this Node cannot package the app, or undefined when it can. */
export function packagingNodeProblem(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number)
  if (major > PACKAGING_NODE.major || (major === PACKAGING_NODE.major && minor >= PACKAGING_NODE.minor)) return undefined
  return (
    `packaging needs Node >= ${PACKAGING_NODE.major}.${PACKAGING_NODE.minor} (electron-builder's @electron/rebuild and node-abi), ` +
    `this is Node ${version}. Use Node 24, the Node inside Electron 45 (README "Node versions").`
  )
}

/** The platforms `npm run build:<platform>` knows, with electron-builder's name for each. */
export const PLATFORMS = { win: 'win', mac: 'mac', linux: 'linux' }

/**
 * @param {Record<string, any>} base electron-builder.yml, parsed
 * @param {'win' | 'mac' | 'linux'} platform
 * @param {Record<string, string | undefined>} env
 * @returns {{ config: Record<string, any>, notices: string[] }}
 */
export function releaseConfig(base, platform, env) {
  if (!(platform in PLATFORMS)) throw new Error(`Unknown platform "${platform}": use win, mac or linux`)
  const config = structuredClone(base)
  const notices = []

  // The update feed baked into app-update.yml.
  const feed = env.GREENLINE_UPDATE_URL
  if (!feed) {
    config.publish = null
    notices.push(
      'No update feed built in: set GREENLINE_UPDATE_URL (https://…) to bake one in; machines can still be given one in settings.',
    )
  } else if (!feed.startsWith('https://')) {
    throw new Error(`GREENLINE_UPDATE_URL must be an https:// URL, not "${feed}"`)
  } else {
    config.publish = config.publish.map((entry) => ({ ...entry, url: feed, channel: env.GREENLINE_UPDATE_CHANNEL || entry.channel }))
  }

  if (platform === 'win') windowsSigning(config, env, notices)
  if (platform === 'mac') macSigning(config, env, notices)
  return { config, notices }
}

/**
 * Azure Trusted Signing when its account is named (electron-builder authenticates with the
 * AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET service principal), else signtool with
 * the certificate in WIN_CSC_LINK (or CSC_LINK) and its password, else unsigned with a warning.
 */
function windowsSigning(config, env, notices) {
  const publisherName = env.GREENLINE_WIN_PUBLISHER || 'Greenline'
  if (has(env, 'AZURE_TRUSTED_SIGNING_ENDPOINT', 'AZURE_TRUSTED_SIGNING_ACCOUNT', 'AZURE_TRUSTED_SIGNING_PROFILE')) {
    if (!has(env, 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET')) {
      throw new Error('Azure Trusted Signing needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET as well')
    }
    config.win.azureSignOptions = {
      publisherName,
      endpoint: env.AZURE_TRUSTED_SIGNING_ENDPOINT,
      codeSigningAccountName: env.AZURE_TRUSTED_SIGNING_ACCOUNT,
      certificateProfileName: env.AZURE_TRUSTED_SIGNING_PROFILE,
    }
    notices.push(`Windows: signing with Azure Trusted Signing (account ${env.AZURE_TRUSTED_SIGNING_ACCOUNT}).`)
  } else if (env.WIN_CSC_LINK || env.CSC_LINK) {
    config.win.signtoolOptions = {
      publisherName,
      signingHashAlgorithms: ['sha256'],
      rfc3161TimeStampServer: env.GREENLINE_TIMESTAMP_URL || 'http://timestamp.digicert.com',
    }
    notices.push('Windows: signing with signtool and the certificate in WIN_CSC_LINK/CSC_LINK.')
  } else {
    notices.push(
      'Windows: NOT SIGNED. SmartScreen will warn and IT policies may block the installer. Set AZURE_TRUSTED_SIGNING_ENDPOINT, ' +
        'AZURE_TRUSTED_SIGNING_ACCOUNT and AZURE_TRUSTED_SIGNING_PROFILE (plus AZURE_TENANT_ID/CLIENT_ID/CLIENT_SECRET), or WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD.',
    )
  }
}

/**
 * A Developer ID certificate (CSC_LINK or one in the keychain named by CSC_NAME) signs with the
 * hardened runtime; notarization runs when App Store Connect API keys or an Apple ID are given.
 */
function macSigning(config, env, notices) {
  const signing = Boolean(env.CSC_LINK || env.CSC_NAME)
  if (!signing) {
    config.mac.identity = null
    notices.push('macOS: NOT SIGNED (set CSC_LINK and CSC_KEY_PASSWORD, or CSC_NAME): Gatekeeper will refuse to open the app.')
  }
  const apiKey = has(env, 'APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER')
  const appleId = has(env, 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID')
  const profile = has(env, 'APPLE_KEYCHAIN_PROFILE')
  if (signing && (apiKey || appleId || profile)) {
    config.mac.notarize = true
    notices.push(`macOS: signing and notarizing (${apiKey ? 'App Store Connect API key' : appleId ? 'Apple ID' : 'keychain profile'}).`)
  } else {
    config.mac.notarize = false
    if (signing) {
      notices.push(
        'macOS: signed but NOT NOTARIZED: set APPLE_API_KEY, APPLE_API_KEY_ID and APPLE_API_ISSUER (or APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID).',
      )
    }
  }
}
