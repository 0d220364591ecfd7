import { gemoji } from 'gemoji'

/** One emoji and the `:shortcode:` names it answers to (GitHub's and Slack's, from gemoji). */
export interface EmojiEntry {
  emoji: string
  names: readonly string[]
}

const ENTRIES: readonly EmojiEntry[] = gemoji.map((g) => ({ emoji: g.emoji, names: g.names }))

/** The picker's grid: the faces and gestures office users reach for most, in gemoji's order. */
export const PICKER_EMOJI: readonly string[] = gemoji
  .filter((g) => g.category === 'Smileys & Emotion' || g.category === 'People & Body')
  .slice(0, 48)
  .map((g) => g.emoji)

/** A `:shortcode` being typed just before the caret (two characters at least, after a space or at the start). */
export function shortcodeAt(text: string, caret: number): { start: number; query: string } | undefined {
  const match = /(^|\s):([a-z0-9_+-]{2,})$/i.exec(text.slice(0, caret))
  if (!match) return undefined
  return { start: caret - match[2].length - 1, query: match[2].toLowerCase() }
}

/** Emojis whose shortcode starts with `query`, then those containing it; at most `limit`. */
export function emojiMatches(query: string, limit = 6): Array<{ emoji: string; name: string }> {
  const starts: Array<{ emoji: string; name: string }> = []
  const contains: Array<{ emoji: string; name: string }> = []
  for (const entry of ENTRIES) {
    const name = entry.names.find((n) => n.startsWith(query)) ?? entry.names.find((n) => n.includes(query))
    if (!name) continue
    ;(name.startsWith(query) ? starts : contains).push({ emoji: entry.emoji, name })
    if (starts.length >= limit) break
  }
  return [...starts, ...contains].slice(0, limit)
}

/** `text` with the characters from `start` to `end` replaced by `emoji`, and where the caret goes after it. */
export function insertEmoji(text: string, start: number, end: number, emoji: string): { text: string; caret: number } {
  return { text: text.slice(0, start) + emoji + text.slice(end), caret: start + emoji.length }
}
