import { describe, expect, it } from 'vitest'
import { isRetryableError, mapGraphError, networkError } from '../../../electron/core/whatsapp/errors'
import { fixture } from '../../helpers/fixtures'

const graphError = (code: number, details?: string) => ({
  error: {
    message: `(#${code}) Title`,
    type: 'OAuthException',
    code,
    ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
  },
})

describe('mapping WhatsApp errors', () => {
  it('maps the published throughput error to a short, retryable delay', () => {
    const error = mapGraphError(fixture('api-error-response-130429.json'), 400)
    expect(error).toMatchObject({
      kind: 'rate_limited',
      code: 130429,
      details: 'Cloud API message throughput has been reached.',
      httpStatus: 400,
    })
    expect(error.retryAfterMs).toBeGreaterThan(0)
    expect(error.retryAfterMs).toBeLessThanOrEqual(5_000)
    expect(isRetryableError(error)).toBe(true)
  })

  it('maps the published invalid-parameter error to invalid, with Meta details kept', () => {
    const error = mapGraphError(fixture('api-error-response-100.json'), 400)
    expect(error).toMatchObject({ kind: 'invalid', code: 100, details: 'Message must be a template message.' })
    expect(isRetryableError(error)).toBe(false)
  })

  it('explains a closed 24-hour window in words an office user understands', () => {
    for (const code of [131047, 470]) {
      const error = mapGraphError(graphError(code), 400)
      expect(error.kind).toBe('window_closed')
      expect(error.reason).toMatch(/24 hours/)
      expect(error.reason).toMatch(/template/)
    }
  })

  it.each([
    [131026, 'not_on_whatsapp'],
    [130429, 'rate_limited'],
    [131056, 'rate_limited'],
    [4, 'rate_limited'],
    [80007, 'rate_limited'],
    [0, 'auth'],
    [190, 'auth'],
    [10, 'auth'],
    [200, 'auth'],
    [250, 'auth'],
    [299, 'auth'],
    [100, 'invalid'],
    [131008, 'invalid'],
    [131009, 'invalid'],
    [131051, 'invalid'],
    [131053, 'invalid'],
    [131021, 'invalid'],
    [132000, 'template'],
    [132001, 'template'],
    [132012, 'template'],
    [132015, 'template'],
    [132016, 'template'],
    [132999, 'template'],
    [131000, 'transient'],
    [131016, 'transient'],
    [1, 'transient'],
    [2, 'transient'],
    [133004, 'transient'],
    [131057, 'transient'],
    [131048, 'permanent'],
    [131049, 'permanent'],
    [131050, 'permanent'],
    [130403, 'permanent'],
    [368, 'permanent'],
    [999999, 'permanent'],
  ])('code %i is %s, whatever the HTTP status says', (code, kind) => {
    for (const status of [400, 401, 500]) {
      const error = mapGraphError(graphError(code), status)
      expect(error.kind).toBe(kind)
      expect(error.code).toBe(code)
      expect(error.reason.length).toBeGreaterThan(10)
    }
  })

  it('waits about 6 seconds after hitting the per-person pair limit', () => {
    expect(mapGraphError(graphError(131056), 400).retryAfterMs).toBe(6_000)
  })

  it('gives the specific reasons Meta documents, not a generic one', () => {
    expect(mapGraphError(graphError(131050)).reason).toMatch(/stopped marketing/)
    expect(mapGraphError(graphError(131049)).reason).toMatch(/tomorrow/)
    expect(mapGraphError(graphError(130403)).reason).toMatch(/blocked/)
    expect(mapGraphError(graphError(190)).reason).toMatch(/expired/)
  })

  it('honours Retry-After in seconds or as an HTTP date', () => {
    expect(mapGraphError(graphError(130429), 429, { retryAfter: '7' }).retryAfterMs).toBe(7_000)
    const now = Date.UTC(2026, 10, 25, 9, 0, 0)
    const at = new Date(now + 30_000).toUTCString()
    expect(mapGraphError(undefined, 503, { retryAfter: at, now }).retryAfterMs).toBe(30_000)
  })

  it('falls back to the HTTP status when the body is not a WhatsApp error', () => {
    expect(mapGraphError('<html>Bad gateway</html>', 502).kind).toBe('transient')
    expect(mapGraphError(undefined, 503).kind).toBe('transient')
    expect(mapGraphError({}, 500).kind).toBe('transient')
    expect(mapGraphError(undefined, 429).kind).toBe('rate_limited')
    expect(mapGraphError(undefined, 401).kind).toBe('auth')
    expect(mapGraphError(undefined, 400).kind).toBe('permanent')
    expect(mapGraphError(undefined).kind).toBe('transient')
  })

  it('reads webhook error objects, e.g. a failed status or an account-level error', () => {
    const status = fixture('status-failed-131049.json').entry[0].changes[0].value.statuses[0]
    expect(mapGraphError(status.errors[0])).toMatchObject({
      kind: 'permanent',
      code: 131049,
      details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
    })
    const accountError = fixture('value-errors-130429.json').entry[0].changes[0].value.errors[0]
    expect(mapGraphError(accountError).kind).toBe('rate_limited')
    const unsupported = fixture('inbound-unsupported.json').entry[0].changes[0].value.messages[0].errors[0]
    expect(mapGraphError(unsupported)).toMatchObject({ kind: 'invalid', code: 131051 })
    const windowClosed = {
      code: 131047,
      title: 'Re-engagement message',
      message: 'Re-engagement message',
      error_data: {
        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    }
    expect(mapGraphError(windowClosed).kind).toBe('window_closed')
  })

  it('treats refused connections and timeouts as temporary', () => {
    const refused = networkError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))
    expect(refused).toMatchObject({ kind: 'transient', details: 'ECONNREFUSED' })
    const timeout = networkError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
    expect(timeout.kind).toBe('transient')
    expect(timeout.reason).toMatch(/in time/)
    expect(networkError('weird').kind).toBe('transient')
  })
})
