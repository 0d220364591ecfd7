import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formParams, twilioSignature, validTwilioSignature, type TwilioParams } from '../../../electron/core/channels/twilio/signature'

interface Vectors {
  authToken: string
  url: string
  params: Record<string, string>
  signature: string
  docsExample: { params: Record<string, string>; signature: string }
  urlVariants: Array<{ url: string; signature: string; why: string }>
  repeatedParams: Array<{ params: TwilioParams; signature: string }>
}
const vectors = JSON.parse(readFileSync(new URL('../../fixtures/twilio/signature-vectors.json', import.meta.url), 'utf8')) as Vectors

describe('X-Twilio-Signature against Twilio’s published examples @sms', () => {
  it('computes the documented signature of the example request', () => {
    expect(twilioSignature(vectors.authToken, vectors.url, vectors.params)).toBe(vectors.signature)
    expect(twilioSignature(vectors.authToken, vectors.url, vectors.docsExample.params)).toBe(vectors.docsExample.signature)
  })

  it.each(vectors.urlVariants)('accepts the helper library’s URL variant: $why', ({ url, signature }) => {
    expect(validTwilioSignature(vectors.authToken, signature, url, vectors.params)).toBe(true)
  })

  it.each(vectors.repeatedParams)('accepts repeated parameters in any order ($signature)', ({ params, signature }) => {
    expect(validTwilioSignature(vectors.authToken, signature, vectors.url, params)).toBe(true)
  })

  it('refuses a forged, tampered, missing or wrongly keyed signature', () => {
    const { authToken, url, params, signature } = vectors
    expect(validTwilioSignature(authToken, signature, url, params)).toBe(true)
    expect(validTwilioSignature(authToken, 'WRONG_SIGNATURE', url, params)).toBe(false)
    expect(validTwilioSignature(authToken, signature, url, { ...params, Digits: '9999' })).toBe(false)
    expect(validTwilioSignature(authToken, signature, `${url}&somethingUnexpected=true`, params)).toBe(false)
    expect(validTwilioSignature(authToken, undefined, url, params)).toBe(false)
    expect(validTwilioSignature('54321', signature, url, params)).toBe(false)
    expect(validTwilioSignature('', signature, url, params)).toBe(false)
    expect(validTwilioSignature(authToken, signature, 'not a url', params)).toBe(false)
  })

  it('reads a form body the way Twilio posts it, repeated names as lists', () => {
    const body = 'To=%2B18005551212&CallSid=CA1234567890ABCDE&Digits=1234&From=%2B14158675309&Caller=%2B14158675309'
    expect(validTwilioSignature(vectors.authToken, vectors.signature, vectors.url, formParams(body))).toBe(true)
    expect(formParams('A=1&A=2&B=x+y')).toEqual({ A: ['1', '2'], B: 'x y' })
  })
})
