/**
 * Text hygiene at the boundary, shared by the engine and the renderer (pure, no imports).
 *
 * Single-line fields (names, companies, profile names) end up as one line in archives, mail
 * headers and transcripts. A CR or LF in one would let its author forge extra transcript lines;
 * other control characters and bidi overrides can disguise what a reader sees. They are removed
 * on the way in, so nothing stored can hold them.
 */

// C0 controls (incl. CR, LF, TAB), DEL, C1 controls, line/paragraph separators, bidi embeddings,
// overrides and isolates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu

/** One line: unsafe characters become spaces, runs of spaces collapse, ends are trimmed. */
export function singleLine(value: string): string {
  return value.replace(UNSAFE_IN_LINE, ' ').replace(/\s+/g, ' ').trim()
}

/** True when `value` holds a character `singleLine` would remove. */
export function hasUnsafeLineCharacters(value: string): boolean {
  UNSAFE_IN_LINE.lastIndex = 0
  const found = UNSAFE_IN_LINE.test(value)
  UNSAFE_IN_LINE.lastIndex = 0
  return found
}

// Message bodies keep TAB and line breaks; other C0 controls, DEL and bidi overrides are dropped
// (they cannot be typed and are used only to disguise text). This also keeps the search
// highlighter's private markers (U+0002, U+0003) out of every stored message.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_BODY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/gu

/** A message body with unsafe control characters removed; line breaks normalized to `\n`. */
export function cleanBody(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(UNSAFE_IN_BODY, '')
}
