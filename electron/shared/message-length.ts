/**
 * WhatsApp's length limits, counted as the Cloud API counts them, in one place for the composer,
 * the engine and the sandbox. The API measures text in UTF-16 code units (what JavaScript's
 * `length` gives): an emoji such as 😀 takes two of them, so 2,100 emoji (4,200 units) are over
 * the 4,096 limit although a person sees 2,100 characters. Counting code points instead let such a
 * message pass the composer and fail at the API. Pure, with no imports: the renderer runs it too.
 */

export const WHATSAPP_LIMITS = {
  /** `text.body` of a free-form message. */
  text: 4096,
  /** `image.caption` (and other media captions). */
  caption: 1024,
  /** One template body parameter. */
  templateParameter: 32768,
  /** An interactive reply button's title. */
  buttonTitle: 20,
} as const

export type WhatsAppLimit = keyof typeof WHATSAPP_LIMITS

/** The length WhatsApp sees: UTF-16 code units. */
export function apiLength(text: string): number {
  return text.length
}

/** How much room is left under `limit` (negative when over). */
export function remainingLength(text: string, limit: WhatsAppLimit): number {
  return WHATSAPP_LIMITS[limit] - apiLength(text)
}

/** A sentence saying why the text is too long for WhatsApp, or undefined when it fits. */
export function lengthProblem(text: string, limit: WhatsAppLimit): string | undefined {
  const over = -remainingLength(text, limit)
  if (over <= 0) return undefined
  const what = limit === 'caption' ? 'caption' : limit === 'text' ? 'message' : 'text'
  return `The ${what} is too long for WhatsApp: ${WHATSAPP_LIMITS[limit]} characters at most (emoji count as two), ${over} over.`
}
