/** One emoji and the `:shortcode:` names it answers to (GitHub's and Slack's, from gemoji). */
export interface EmojiEntry {
  emoji: string
  names: readonly string[]
}

export interface EmojiData {
  /** Every emoji with its names, for `:shortcode` completion. */
  entries: readonly EmojiEntry[]
  /** The picker's grid: the faces and gestures office users reach for most, in gemoji's order. */
  picker: readonly string[]
}

let loading: Promise<EmojiData> | undefined

/**
 * gemoji's table (~330 kB of script) in its own chunk, fetched the first time the picker opens or
 * a `:shortcode` is typed, so the messages screen paints without it; later calls share the load.
 */
export function loadEmoji(): Promise<EmojiData> {
  loading ??= import('gemoji').then(({ gemoji }) => ({
    entries: gemoji.map((g) => ({ emoji: g.emoji, names: g.names })),
    picker: gemoji
      .filter((g) => g.category === 'Smileys & Emotion' || g.category === 'People & Body')
      .slice(0, 48)
      .map((g) => g.emoji),
  }))
  // A failed load (e.g. the chunk could not be fetched) is tried again next time.
  loading.catch(() => (loading = undefined))
  return loading
}

/** A `:shortcode` being typed just before the caret (two characters at least, after a space or at the start). */
export function shortcodeAt(text: string, caret: number): { start: number; query: string } | undefined {
  const match = /(^|\s):([a-z0-9_+-]{2,})$/i.exec(text.slice(0, caret))
  if (!match) return undefined
  return { start: caret - match[2].length - 1, query: match[2].toLowerCase() }
}

/** Emojis whose shortcode starts with `query`, then those containing it; at most `limit`. */
export function emojiMatches(entries: readonly EmojiEntry[], query: string, limit = 6): Array<{ emoji: string; name: string }> {
  const starts: Array<{ emoji: string; name: string }> = []
  const contains: Array<{ emoji: string; name: string }> = []
  for (const entry of entries) {
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
