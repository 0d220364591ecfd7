import { describe, expect, it } from 'vitest'
import { emojiMatches, insertEmoji, loadEmoji, shortcodeAt } from '../../src/composables/useEmoji'

describe(':shortcode: completion and the picker', () => {
  it('finds a shortcode being typed before the caret, not inside words or times', () => {
    expect(shortcodeAt('See you :thu', 12)).toEqual({ start: 8, query: 'thu' })
    expect(shortcodeAt(':sm', 3)).toEqual({ start: 0, query: 'sm' })
    expect(shortcodeAt('at 10:30', 8)).toBeUndefined()
    expect(shortcodeAt('see :t', 6)).toBeUndefined()
    expect(shortcodeAt('mail:smile', 10)).toBeUndefined()
  })

  it('offers names that start with what was typed first', async () => {
    const { entries } = await loadEmoji()
    const find = (query: string, limit?: number) => emojiMatches(entries, query, limit)
    const matches = find('thumbs')
    expect(matches[0]).toEqual({ emoji: '👍', name: 'thumbsup' })
    expect(matches.map((m) => m.emoji)).toContain('👎')
    expect(find('tada')[0].emoji).toBe('🎉')
    expect(find('zzzzqq')).toEqual([])
    expect(find('a', 6)).toHaveLength(6)
  })

  it('replaces the shortcode with the emoji and puts the caret after it', async () => {
    expect(insertEmoji('Great :tad', 6, 10, '🎉')).toEqual({ text: 'Great 🎉', caret: 8 })
    expect(insertEmoji('Hi there', 2, 2, '👋')).toEqual({ text: 'Hi👋 there', caret: 4 })
    const { picker } = await loadEmoji()
    expect(picker).toHaveLength(48)
    expect(picker[0]).toBe('😀')
    // Loaded once: the picker and the completion share one table.
    expect(await loadEmoji()).toBe(await loadEmoji())
  })
})
