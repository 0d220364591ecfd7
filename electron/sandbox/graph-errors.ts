import { randomBytes } from 'node:crypto'

/** Titles as Meta writes them in `message: "(#code) title"` and in webhook `errors[].title`. */
const TITLES: Record<number, string> = {
  100: 'Invalid parameter',
  190: 'Invalid OAuth access token',
  368: 'Temporarily blocked for policies violations',
  130472: "User's number is part of an experiment",
  131031: 'Business Account locked',
  131049: 'This message was not delivered to maintain healthy ecosystem engagement',
  131050: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business',
  130429: 'Rate limit hit',
  131000: 'Something went wrong',
  131008: 'Required parameter is missing',
  131009: 'Parameter value is not valid',
  131021: 'Recipient cannot be sender',
  131026: 'Receiver is incapable of receiving this message',
  131047: 'Re-engagement message',
  131051: 'Unsupported message type',
  131053: 'Media upload error',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template name does not exist in the translation',
  132015: 'Template is Paused',
  132016: 'Template is Disabled',
}

const HTTP_STATUS: Record<number, number> = { 190: 401, 131000: 500, 132001: 404 }

export const WINDOW_CLOSED_DETAILS =
  'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'
export const UNDELIVERABLE_DETAILS = 'Message Undeliverable.'

/** A Graph API failure: thrown by validators, turned into Meta's error body by the router. */
export class GraphError extends Error {
  readonly httpStatus: number
  constructor(
    readonly code: number,
    readonly details: string,
    httpStatus?: number,
  ) {
    super(`(#${code}) ${titleOf(code)}`)
    this.httpStatus = httpStatus ?? HTTP_STATUS[code] ?? 400
  }
}

export function titleOf(code: number): string {
  return TITLES[code] ?? 'Unknown error'
}

function traceId(): string {
  return randomBytes(17).toString('base64').replace(/[+/=]/g, 'A').slice(0, 23)
}

/** Meta's synchronous error body. */
export function graphErrorBody(error: GraphError): object {
  return {
    error: {
      message: error.message,
      type: 'OAuthException',
      code: error.code,
      error_data: { messaging_product: 'whatsapp', details: error.details },
      fbtrace_id: traceId(),
    },
  }
}

/** The `errors[]` item of a `failed` status webhook. */
export function webhookError(code: number, details: string): object {
  const title = titleOf(code)
  return {
    code,
    title,
    message: title,
    error_data: { details },
    href: '/documentation/business-messaging/whatsapp/support/error-codes',
  }
}
