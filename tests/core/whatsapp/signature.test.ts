import { describe, expect, it } from 'vitest'
import { answerVerificationChallenge, signWebhookBody, verifyWebhookSignature } from '../../../electron/core/whatsapp/signature'
import { fixture, fixtureNames, fixtureText } from '../../helpers/fixtures'

interface Vector {
  name: string
  app_secret: string
  body: string
  x_hub_signature_256: string
  expected_valid: boolean
}

const { vectors } = fixture<{ vectors: Vector[] }>('signature-vectors.json')

describe('webhook signatures', () => {
  it.each(vectors.map((v) => [v.name, v] as const))('published vector %s verifies as expected', (_name, vector) => {
    const body = Buffer.from(vector.body, 'utf8')
    expect(verifyWebhookSignature(body, vector.x_hub_signature_256, vector.app_secret)).toBe(vector.expected_valid)
    expect(signWebhookBody(body, vector.app_secret)).toBe(vector.x_hub_signature_256)
  })

  it('refuses a delivery whose body was altered by even one byte', () => {
    const [vector] = vectors
    expect(verifyWebhookSignature(Buffer.from(`${vector.body} `), vector.x_hub_signature_256, vector.app_secret)).toBe(false)
  })

  it('refuses a delivery signed with another app secret', () => {
    const [vector] = vectors
    expect(verifyWebhookSignature(Buffer.from(vector.body), vector.x_hub_signature_256, 'another secret')).toBe(false)
  })

  it('refuses missing, garbage, truncated or unprefixed headers without throwing', () => {
    const [vector] = vectors
    const body = Buffer.from(vector.body)
    const hex = vector.x_hub_signature_256.slice('sha256='.length)
    for (const header of [undefined, '', 'sha256=', 'sha256=zz', hex, `sha1=${hex}`, `sha256=${hex.slice(2)}`, `sha256=${hex}00`]) {
      expect(verifyWebhookSignature(body, header, vector.app_secret)).toBe(false)
    }
  })

  it('never trusts a delivery when no app secret is configured', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}')
    expect(verifyWebhookSignature(body, signWebhookBody(body, ''), '')).toBe(false)
  })

  it('accepts an uppercase hex signature for the same bytes', () => {
    const [vector] = vectors
    const upper = `sha256=${vector.x_hub_signature_256.slice(7).toUpperCase()}`
    expect(verifyWebhookSignature(Buffer.from(vector.body), upper, vector.app_secret)).toBe(true)
  })

  it('checks the exact bytes of a compact real delivery, not re-serialized JSON', () => {
    const raw = fixtureNames().includes('inbound-text-real-signed.raw.json')
      ? fixtureText('inbound-text-real-signed.raw.json')
      : JSON.stringify(fixture('inbound-text.json'))
    const secret = 'app-secret-for-tests'
    const header = signWebhookBody(Buffer.from(raw), secret)
    expect(verifyWebhookSignature(Buffer.from(raw), header, secret)).toBe(true)
    const reformatted = JSON.stringify(JSON.parse(raw), null, 2)
    expect(verifyWebhookSignature(Buffer.from(reformatted), header, secret)).toBe(false)
  })
})

describe('webhook verification challenge', () => {
  const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'our-token', 'hub.challenge': '1158201444' }

  it('echoes the challenge when Meta presents our verify token', () => {
    expect(answerVerificationChallenge(query, 'our-token')).toBe('1158201444')
  })

  it('refuses a wrong token, a wrong mode, a missing challenge or an unconfigured token', () => {
    expect(answerVerificationChallenge({ ...query, 'hub.verify_token': 'guess' }, 'our-token')).toBeUndefined()
    expect(answerVerificationChallenge({ ...query, 'hub.mode': 'unsubscribe' }, 'our-token')).toBeUndefined()
    expect(answerVerificationChallenge({ ...query, 'hub.challenge': null }, 'our-token')).toBeUndefined()
    expect(answerVerificationChallenge({ ...query, 'hub.verify_token': '' }, '')).toBeUndefined()
  })
})
