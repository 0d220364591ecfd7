/** Why a picture cannot be sent. A closed set: the UI may branch on the code. */
export type MediaErrorCode = 'not_an_image' | 'unsupported' | 'corrupt' | 'too_large' | 'empty'

export interface MediaError {
  code: MediaErrorCode
  /** Plain words for the office user; never contains paths or library messages. */
  message: string
}

export type MediaResult<T> = { ok: true; value: T } | { ok: false; error: MediaError }

export const MEDIA_MESSAGES = {
  empty: 'This file is empty.',
  not_an_image: "This file isn't a picture.",
  corrupt: 'This picture is damaged or incomplete, so it cannot be opened.',
  too_large: 'This picture is too large to send, even after shrinking it.',
  too_many_pixels: 'This picture has more than 50 megapixels, too many to open safely. Send a smaller copy of it.',
  svg: "SVG pictures can't be sent on WhatsApp. Save it as PNG or JPEG first.",
} as const

/** `kind` names the format when the user would recognise it ("BMP"); without it the sentence stays generic. */
export function unsupportedMessage(kind?: string): string {
  const subject = kind ? `${kind} pictures` : 'This kind of picture'
  return `${subject} can't be sent on WhatsApp. Save it as JPEG or PNG first.`
}

/** Thrown by the media helpers that return plain values (thumbnails, decoding); carries a MediaError. */
export class MediaFailure extends Error {
  constructor(
    readonly code: MediaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'MediaFailure'
  }

  toMediaError(): MediaError {
    return { code: this.code, message: this.message }
  }
}
