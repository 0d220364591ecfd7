// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { neighbour, shortcutFor, shortcutList, type KeyLike } from '../../src/composables/useShortcuts'

const press = (key: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  target: document.body,
  ...mods,
})

describe('keyboard shortcuts', () => {
  it('Ctrl+K and Ctrl+F on Windows, Cmd on a Mac', () => {
    expect(shortcutFor(press('k', { ctrlKey: true }), false)).toBe('switcher')
    expect(shortcutFor(press('K', { ctrlKey: true }), false)).toBe('switcher')
    expect(shortcutFor(press('f', { ctrlKey: true }), false)).toBe('search')
    expect(shortcutFor(press('k', { metaKey: true }), false)).toBeUndefined()
    expect(shortcutFor(press('k', { metaKey: true }), true)).toBe('switcher')
    expect(shortcutFor(press('k', { ctrlKey: true }), true)).toBeUndefined()
    expect(shortcutFor(press('k'), false)).toBeUndefined()
  })

  it('Alt+↑/↓ move between threads, even from the composer', () => {
    const textarea = document.createElement('textarea')
    document.body.append(textarea)
    expect(shortcutFor(press('ArrowUp', { altKey: true, target: textarea }), false)).toBe('previousThread')
    expect(shortcutFor(press('ArrowDown', { altKey: true }), false)).toBe('nextThread')
    expect(shortcutFor(press('ArrowDown'), false)).toBeUndefined()
  })

  it('? opens the sheet, except when it is typed into a field', () => {
    expect(shortcutFor(press('?', { shiftKey: true }), false)).toBe('help')
    const input = document.createElement('input')
    document.body.append(input)
    expect(shortcutFor(press('?', { shiftKey: true, target: input }), false)).toBeUndefined()
  })

  it('Alt+↓ goes to the next thread of the list as shown, and stops at the ends', () => {
    const ids = ['a', 'b', 'c']
    expect(neighbour(ids, 'a', 1)).toBe('b')
    expect(neighbour(ids, 'b', -1)).toBe('a')
    expect(neighbour(ids, 'c', 1)).toBeUndefined()
    expect(neighbour(ids, 'a', -1)).toBeUndefined()
    expect(neighbour(ids, undefined, 1)).toBe('a')
    expect(neighbour(ids, 'gone', -1)).toBe('c')
    expect(neighbour([], undefined, 1)).toBeUndefined()
  })

  it('the sheet names the modifier as the computer does', () => {
    expect(shortcutList(true)[0].keys).toBe('⌘+K')
    expect(shortcutList(false)[0].keys).toBe('Ctrl+K')
  })
})
