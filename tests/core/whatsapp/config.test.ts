import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { resolveWhatsAppConfig, withWhatsAppOverrides, WhatsAppConfigError } from '../../../electron/core/whatsapp/config'

const cloudEnv = {
  GREENLINE_WA_ACCESS_TOKEN: 'EAAG-secret-token',
  GREENLINE_WA_APP_SECRET: 'app-secret-value',
  GREENLINE_WA_VERIFY_TOKEN: 'verify-token-value',
  GREENLINE_WA_PHONE_NUMBER_ID: '106540352242922',
  GREENLINE_WA_WABA_ID: '102290129340398',
}

describe('WhatsApp configuration', () => {
  it('starts in sandbox mode with Meta defaults when nothing is configured', () => {
    const config = resolveWhatsAppConfig({ env: {} })
    expect(config.mode).toBe('sandbox')
    expect(config.baseUrl).toBe('https://graph.facebook.com')
    expect(config.apiVersion).toBe('v24.0')
    expect(config.optInTemplate).toEqual({ name: 'greenline_opt_in', language: 'en_US' })
    expect(config.accessToken).toBe('')
  })

  it('uses the cloud when an access token is configured', () => {
    const config = resolveWhatsAppConfig({ env: cloudEnv })
    expect(config.mode).toBe('cloud')
    expect(config.accessToken).toBe('EAAG-secret-token')
    expect(config.appSecret).toBe('app-secret-value')
    expect(config.verifyToken).toBe('verify-token-value')
    expect(config.phoneNumberId).toBe('106540352242922')
    expect(config.wabaId).toBe('102290129340398')
  })

  it('layers settings, then the org policy file, then the environment, field by field', () => {
    const config = resolveWhatsAppConfig({
      settings: { apiVersion: 'v23.0', phoneNumberId: '111', wabaId: '222', optInTemplate: { name: 'from_settings' } },
      orgFile: { name: 'Acme', whatsapp: { apiVersion: 'v25.0', phoneNumberId: '333', optInTemplate: { language: 'de_DE' } } },
      env: { GREENLINE_WA_PHONE_NUMBER_ID: '444', GREENLINE_WA_BASE_URL: 'http://127.0.0.1:9999/' },
    })
    expect(config.apiVersion).toBe('v25.0')
    expect(config.phoneNumberId).toBe('444')
    expect(config.wabaId).toBe('222')
    expect(config.baseUrl).toBe('http://127.0.0.1:9999')
    expect(config.optInTemplate).toEqual({ name: 'from_settings', language: 'de_DE' })
  })

  it('treats empty environment variables as unset', () => {
    const config = resolveWhatsAppConfig({
      settings: { accessToken: 'from-settings', appSecret: 's', phoneNumberId: '1' },
      env: { GREENLINE_WA_ACCESS_TOKEN: '', GREENLINE_WA_API_VERSION: '  ' },
    })
    expect(config.accessToken).toBe('from-settings')
    expect(config.apiVersion).toBe('v24.0')
  })

  it('never shows secrets in JSON, console output, spreads or key lists', () => {
    const config = resolveWhatsAppConfig({ env: cloudEnv })
    const outputs = [
      JSON.stringify(config),
      inspect(config, { depth: 5 }),
      JSON.stringify({ nested: { config } }),
      JSON.stringify({ ...config }),
    ]
    for (const output of outputs) {
      for (const secret of ['EAAG-secret-token', 'app-secret-value', 'verify-token-value']) expect(output).not.toContain(secret)
    }
    expect(JSON.parse(JSON.stringify(config))).toMatchObject({ accessToken: '[redacted]', phoneNumberId: '106540352242922', mode: 'cloud' })
    expect(Object.keys(config)).not.toContain('accessToken')
  })

  it('names the bad field and its source, without echoing the value', () => {
    let error: unknown
    try {
      resolveWhatsAppConfig({ orgFile: { whatsapp: { baseUrl: 'ftp://secret-host' } }, env: {} })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(WhatsAppConfigError)
    expect((error as Error).message).toContain('baseUrl')
    expect((error as Error).message).toContain('org policy file')
    expect((error as Error).message).not.toContain('secret-host')
    expect(() => resolveWhatsAppConfig({ env: { GREENLINE_WA_API_VERSION: 'latest' } })).toThrow(/apiVersion.*environment/)
    expect(() => resolveWhatsAppConfig({ env: { GREENLINE_WA_PHONE_NUMBER_ID: '../me' } })).toThrow(WhatsAppConfigError)
  })

  it('refuses a cloud setup that could not send or could not trust webhooks', () => {
    expect(() => resolveWhatsAppConfig({ env: { ...cloudEnv, GREENLINE_WA_PHONE_NUMBER_ID: undefined } })).toThrow(/phone number id/)
    expect(() => resolveWhatsAppConfig({ env: { ...cloudEnv, GREENLINE_WA_APP_SECRET: undefined } })).toThrow(/app secret/)
  })

  it('takes the embedded sandbox address and credentials without losing the rest', () => {
    const base = resolveWhatsAppConfig({ settings: { optInTemplate: { name: 'custom_opt_in' } }, env: {} })
    const filled = withWhatsAppOverrides(base, {
      baseUrl: 'http://127.0.0.1:4010',
      accessToken: 'sandbox-token',
      appSecret: 'sandbox-secret',
      phoneNumberId: '100000000000001',
    })
    expect(filled.mode).toBe('sandbox')
    expect(filled.accessToken).toBe('sandbox-token')
    expect(filled.appSecret).toBe('sandbox-secret')
    expect(filled.baseUrl).toBe('http://127.0.0.1:4010')
    expect(filled.optInTemplate.name).toBe('custom_opt_in')
    expect(JSON.stringify(filled)).not.toContain('sandbox-token')
    expect(base.accessToken).toBe('')
  })
})
