import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ControlError } from './context'
import { BodyTooLargeError, hasLoopbackHost, isJsonRequest, isLoopback, readBody, sendBytes, sendJson } from './http-util'
import { TWILIO_API_PREFIX, TwilioApiError, type TwilioSurface } from './twilio-surface'

/** Whether a request is for the Twilio surface: its REST paths or its control routes. */
export function isTwilioPath(path: string): boolean {
  return path.startsWith(TWILIO_API_PREFIX) || path === '/sandbox/twilio' || path.startsWith('/sandbox/twilio/')
}

/** Answers the Twilio REST paths (basic auth as Twilio checks it) and `/sandbox/twilio/...`. */
export async function handleTwilio(twilio: TwilioSurface, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (url.pathname.startsWith('/sandbox/')) return handleTwilioControl(twilio, req, res, url)
  try {
    if (!basicAuthMatches(req, twilio.accountSid, twilio.authToken))
      throw new TwilioApiError(401, 20003, 'Authentication Error - invalid username')
    const [account, ...rest] = url.pathname.slice(TWILIO_API_PREFIX.length).split('/')
    if (account !== twilio.accountSid) throw new TwilioApiError(404, 20404, 'The requested resource was not found')
    const route = `${req.method} ${rest.map((part, i) => (i % 2 === 1 ? ':id' : part)).join('/')}`
    switch (route) {
      case 'POST Messages.json': {
        // Twilio refuses over its concurrency limit before reading anything; the request is not processed.
        const limited = twilio.takeThrottle()
        if (limited?.retryAfterSeconds) res.setHeader('retry-after', String(limited.retryAfterSeconds))
        if (limited) throw new TwilioApiError(429, 20429, 'Too Many Requests')
        const type = req.headers['content-type'] ?? ''
        if (!/^application\/x-www-form-urlencoded\b/i.test(type)) throw new TwilioApiError(400, 20001, 'Send the parameters form-encoded')
        const params = new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'))
        return sendJson(res, 201, twilio.send(params))
      }
      case 'GET Messages/:id': {
        const record = twilio.messages.find((m) => `${m.sid}.json` === rest[1])
        if (!record) throw new TwilioApiError(404, 20404, 'The requested resource was not found')
        return sendJson(res, 200, twilio.messageJson(record))
      }
      case 'GET Messages/:id/Media/:id': {
        const media = twilio.mediaFor('media', rest[3])
        if (!media) throw new TwilioApiError(404, 20404, 'The requested resource was not found')
        return sendBytes(res, media.mimeType, media.bytes)
      }
      case 'GET Recordings/:id': {
        const media = twilio.mediaFor('recording', rest[1])
        if (!media) throw new TwilioApiError(404, 20404, 'The requested resource was not found')
        return sendBytes(res, media.mimeType, media.bytes)
      }
      default:
        throw new TwilioApiError(404, 20404, 'The requested resource was not found')
    }
  } catch (error) {
    if (error instanceof TwilioApiError) return sendJson(res, error.status, error.body())
    if (error instanceof BodyTooLargeError) return sendJson(res, 413, { code: 21617, message: 'Body too large', status: 413 })
    throw error
  }
}

async function handleTwilioControl(twilio: TwilioSurface, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  try {
    if (!isLoopback(req) || !hasLoopbackHost(req)) throw new ControlError(403, 'The sandbox control API answers loopback requests only')
    let body: unknown
    if (req.method === 'POST') {
      if (!isJsonRequest(req)) throw new ControlError(415, 'Send JSON (content-type: application/json)')
      const raw = await readBody(req, 8 * 1024 * 1024)
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : {}
      } catch {
        throw new ControlError(400, 'The body is not valid JSON')
      }
    }
    const [, , , resource, phone, action] = url.pathname.split('/').map(decodeURIComponent)
    const route = `${req.method} ${resource ?? ''}${phone !== undefined ? '/:phone' : ''}${action ? `/${action}` : ''}`
    switch (route) {
      case 'GET ':
        return sendJson(res, 200, twilio.view())
      case 'POST config':
        return sendJson(res, 200, twilio.configure(body))
      case 'GET messages':
        return sendJson(
          res,
          200,
          twilio.messages.map((m) => twilio.messageJson(m)),
        )
      case 'GET webhooks':
        return sendJson(res, 200, twilio.webhooks.log)
      case 'POST users/:phone/sms':
        return sendJson(res, 201, twilio.userTexts(phone, body))
      case 'POST users/:phone/voicemail':
        return sendJson(res, 201, twilio.userLeavesVoicemail(phone, body))
      case 'POST throttle':
        return sendJson(res, 200, twilio.setThrottle(body))
      case 'POST users/:phone/carrier':
        return sendJson(res, 200, twilio.setCarrierError(phone, body))
      default:
        throw new ControlError(404, `No route ${req.method} ${url.pathname}`)
    }
  } catch (error) {
    if (error instanceof ControlError) return sendJson(res, error.status, { error: error.message })
    if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'Body too large' })
    throw error
  }
}

function basicAuthMatches(req: IncomingMessage, user: string, password: string): boolean {
  const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')
  if (!match) return false
  const given = Buffer.from(Buffer.from(match[1].trim(), 'base64').toString('utf8'))
  const expected = Buffer.from(`${user}:${password}`)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
