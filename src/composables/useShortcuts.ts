/**
 * The app's keyboard shortcuts, as office users know them from Slack, Teams and WhatsApp Desktop.
 * Kept as a pure lookup so the key table is tested apart from the components that act on it.
 */
import { t } from '../i18n'

export type ShortcutAction = 'switcher' | 'search' | 'previousThread' | 'nextThread' | 'help'

export interface KeyLike {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
  /** Where the key was pressed: `?` typed into a text field is text, not a shortcut. */
  target: EventTarget | null
}

/** True on macOS, where Cmd plays Ctrl's part. */
export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)

function typing(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).closest !== 'function') return false
  const element = target as HTMLElement
  return element.isContentEditable || element.closest('input, textarea, select, [contenteditable="true"]') !== null
}

/** The action a key press asks for, or undefined when it is an ordinary key. */
export function shortcutFor(event: KeyLike, mac = isMac): ShortcutAction | undefined {
  const command = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key
  if (command && !event.altKey && !event.shiftKey && key === 'k') return 'switcher'
  if (command && !event.altKey && !event.shiftKey && key === 'f') return 'search'
  if (event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
    if (key === 'ArrowUp') return 'previousThread'
    if (key === 'ArrowDown') return 'nextThread'
  }
  if (key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) return 'help'
  return undefined
}

/** The thread Alt+↑ / Alt+↓ moves to in the list as shown, or undefined at either end. */
export function neighbour(ids: readonly string[], currentId: string | undefined, step: 1 | -1): string | undefined {
  if (ids.length === 0) return undefined
  const index = currentId === undefined ? -1 : ids.indexOf(currentId)
  if (index === -1) return step === 1 ? ids[0] : ids[ids.length - 1]
  return ids[index + step]
}

/** The rows of the shortcuts sheet, in the active language, with the modifier named as this computer names it. */
export function shortcutList(mac = isMac): Array<{ keys: string; does: string }> {
  const command = mac ? '⌘' : 'Ctrl'
  return [
    { keys: `${command}+K`, does: t('shortcuts.switcher') },
    { keys: 'Alt+↑ / Alt+↓', does: t('shortcuts.neighbour') },
    { keys: `${command}+F`, does: t('shortcuts.search') },
    { keys: 'Enter', does: t('shortcuts.send') },
    { keys: '↑', does: t('shortcuts.editWaiting') },
    { keys: 'Esc', does: t('shortcuts.close') },
    { keys: '?', does: t('shortcuts.help') },
  ]
}
