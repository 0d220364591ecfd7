/**
 * One or two initials for an avatar. Its own module, apart from format-phone.ts: the conversation
 * list needs only this, and importing that file would load the phone-number library (~200 kB)
 * before the list can paint.
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? [words[0][0], words[words.length - 1][0]] : [words[0]?.[0]]
  return letters.filter(Boolean).join('').toUpperCase()
}
