import { randomBytes } from 'node:crypto'
import type { Clock } from '../../shared/clock'

/**
 * Time-ordered ids (sortable like ULIDs): random ids cost ~2.7x on inserts into a UNIQUE index
 * (see TOOLCHAIN.md, SQLite baselines), time-ordered ones append to the index's right edge.
 */
export function createIdGenerator(clock: Clock): (prefix?: string) => string {
  let lastTime = 0
  let counter = 0
  return (prefix = '') => {
    const now = clock.now()
    if (now === lastTime) counter++
    else {
      lastTime = now
      counter = 0
    }
    const time = now.toString(36).padStart(9, '0')
    const sequence = counter.toString(36).padStart(4, '0')
    return `${prefix}${time}${sequence}${randomBytes(6).toString('hex')}`
  }
}
