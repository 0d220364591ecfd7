/**
 * One date and time style for the whole app, in the user's locale, with formatters built once:
 * building an Intl formatter costs ~60× formatting with one (issue 21's profile), and lists format
 * thousands of rows.
 */
import { shallowRef } from 'vue'

const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>()
/** Reactive, so a list's computed times are written again when Settings changes the language. */
const current = shallowRef<string | undefined>()

/** The language dates are written in ('' or undefined: the system's). Clears the cache. */
export function setDateLocale(next: string | undefined): void {
  if ((next || undefined) === current.value) return
  cache.clear()
  current.value = next || undefined
}

function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = current.value
  const key = `d${JSON.stringify(options)}`
  let format = cache.get(key) as Intl.DateTimeFormat | undefined
  if (!format) cache.set(key, (format = new Intl.DateTimeFormat(locale, options)))
  return format
}

function relativeFormat(): Intl.RelativeTimeFormat {
  const locale = current.value
  let format = cache.get('r') as Intl.RelativeTimeFormat | undefined
  if (!format) cache.set('r', (format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' })))
  return format
}

const DAY = 24 * 3600_000
const startOfDay = (at: number) => new Date(at).setHours(0, 0, 0, 0)
/** Whole calendar days between two instants (0 = same day). */
const daysBetween = (at: number, now: number) => Math.round((startOfDay(now) - startOfDay(at)) / DAY)

export function timeOfDay(at: number): string {
  return dateFormat({ hour: '2-digit', minute: '2-digit' }).format(at)
}

/** "14:05:30": when something happens within the next minutes (a reconnect's next try). */
export function timeWithSeconds(at: number): string {
  return dateFormat({ hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(at)
}

/** "12 Mar 2026, 14:05": the full form, everywhere a full date is shown. */
export function fullDateTime(at: number): string {
  return dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(at)
}

/** For lists: "now", "5 min ago" within the hour, the time today, "Yesterday", the weekday this week, else the date. */
export function listTime(at: number, now: number): string {
  const age = now - at
  if (age >= 0 && age < 60_000) return relativeFormat().format(0, 'second')
  if (age >= 0 && age < 3600_000) return relativeFormat().format(-Math.floor(age / 60_000), 'minute')
  const days = daysBetween(at, now)
  if (days === 0) return timeOfDay(at)
  if (days === 1) return capitalize(relativeFormat().format(-1, 'day'))
  if (days > 1 && days < 7) return dateFormat({ weekday: 'short' }).format(at)
  return dateFormat({ dateStyle: 'medium' }).format(at)
}

/** For a thread's date separators: "Today", "Yesterday", else "Monday 12 March 2026". */
export function dayLabel(at: number, now: number): string {
  const days = daysBetween(at, now)
  if (days === 0 || days === 1) return capitalize(relativeFormat().format(-days, 'day'))
  return dateFormat({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(at)
}

export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b)
}

function capitalize(text: string): string {
  return text.charAt(0).toLocaleUpperCase(current.value) + text.slice(1)
}
