// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { SmsSettingsView } from '../../electron/shared/api/contract'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { default: SmsSetup } = await import('../../src/components/admin/SmsSetup.vue')

const view = (fields: Partial<SmsSettingsView> = {}): SmsSettingsView => ({
  running: 'sandbox',
  sms: { provider: 'sandbox' },
  secrets: { twilioApiKeySecretSet: false, twilioAuthTokenSet: false, webhookSecretSet: false },
  urls: {
    twilioSms: 'https://gl.example/webhooks/twilio/sms',
    twilioVoicemail: 'https://gl.example/webhooks/twilio/voicemail',
    channels: 'x',
  },
  environmentOverrides: [],
  restartRequired: false,
  ...fields,
})

describe('admin: SMS provider @sms', () => {
  beforeEach(() => api.reset())

  it('saves Twilio with its secrets, which never come back, and shows the webhook URLs to paste', async () => {
    const saved = view({
      sms: { provider: 'twilio' },
      secrets: { twilioApiKeySecretSet: true, twilioAuthTokenSet: true, webhookSecretSet: false },
      restartRequired: true,
    })
    api.answer({ 'admin:sms': view(), 'admin:setSms': saved })
    const wrapper = mount(SmsSetup)
    await flushPromises()
    await wrapper.get('[data-testid="sms-provider"]').setValue('twilio')
    expect((wrapper.get('#sms-twilio-sms-url').element as HTMLInputElement).value).toBe('https://gl.example/webhooks/twilio/sms')
    await wrapper.get('#sms-account').setValue(`AC${'1'.repeat(32)}`)
    await wrapper.get('#sms-from').setValue('+15550783881')
    await wrapper.get('#sms-auth-token').setValue('the-auth-token')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.call).toHaveBeenCalledWith('admin:setSms', {
      sms: { provider: 'twilio', twilio: { accountSid: `AC${'1'.repeat(32)}`, from: '+15550783881' } },
      twilioAuthToken: 'the-auth-token',
    })
    expect((wrapper.get('#sms-auth-token').element as HTMLInputElement).value).toBe('')
    expect(wrapper.get('#sms-auth-token').attributes('placeholder')).toBe('Saved — leave empty to keep it')
    expect(wrapper.get('[data-testid="sms-restart"]').text()).toContain('restarts')
  })

  it('says why the server refused the settings', async () => {
    api.answer({
      'admin:sms': view(),
      'admin:setSms': () => {
        throw new ApiRequestError({ code: 'invalid', message: 'The Twilio auth token is not set (GREENLINE_TWILIO_AUTH_TOKEN)' })
      },
    })
    const wrapper = mount(SmsSetup)
    await flushPromises()
    await wrapper.get('[data-testid="sms-provider"]').setValue('twilio')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="sms-error"]').text()).toBe('The Twilio auth token is not set (GREENLINE_TWILIO_AUTH_TOKEN)')
  })
})
