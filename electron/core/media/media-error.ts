import { englishOf, engineText, type EngineText } from '../../shared/api/engine-text'

/** Why a picture cannot be sent. A closed set: the UI may branch on the code. */
export type MediaErrorCode = 'not_an_image' | 'unsupported' | 'corrupt' | 'too_large' | 'empty'

export interface MediaError {
  code: MediaErrorCode
  /** Plain words for the office user (English); never contains paths or library messages. */
  message: string
  /** The same words as a code and values, so the window writes them in its user's language. */
  text: EngineText
}

export type MediaResult<T> = { ok: true; value: T } | { ok: false; error: MediaError }

export const MEDIA_TEXTS = {
  empty: engineText('media.empty'),
  not_an_image: engineText('media.notAnImage'),
  corrupt: engineText('media.corrupt'),
  too_large: engineText('media.tooLarge'),
  too_many_pixels: engineText('media.tooManyPixels'),
  svg: engineText('media.svg'),
} as const

/** `kind` names the format when the user would recognise it ("BMP"); without it the sentence stays generic. */
export function unsupportedText(kind?: string): EngineText {
  return kind ? engineText('media.unsupportedKind', { kind }) : engineText('media.unsupported')
}

export function mediaError(code: MediaErrorCode, text: EngineText): MediaError {
  return { code, message: englishOf(text), text }
}

/** Thrown by the media helpers that return plain values (thumbnails, decoding); carries a MediaError. */
export class MediaFailure extends Error {
  constructor(
    readonly code: MediaErrorCode,
    readonly text: EngineText,
    options?: { cause?: unknown },
  ) {
    super(englishOf(text), options)
    this.name = 'MediaFailure'
  }

  toMediaError(): MediaError {
    return mediaError(this.code, this.text)
  }
}
