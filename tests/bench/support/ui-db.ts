import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import os from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT } from './child'
import { generateMessagesDb } from './db-gen'

/** Bump when the generated shape changes, so a stale cache is rebuilt. */
const VERSION = 1
export const UI_THREADS = 10_000
export const UI_THREAD_MESSAGES = 100_000
/** Messages per other thread, so every row has a last message. */
const PER_OTHER_THREAD = 3

export interface UiDb {
  /** A private copy for this scenario (the host writes to it: read marks, drafts). */
  dataDir: string
  /** The 100,000-message thread, the most recent one (top of the list). */
  threadId: string
  threads: number
  threadMessages: number
  /** True when the cached copy from an earlier run was reused. */
  cached: boolean
}

interface Built {
  threadId: string
  messages: number
}

/**
 * The office user's screen for the UI figures: priya in 10,001 WhatsApp threads, one of them
 * 100,000 messages long. Built once and kept in the OS temp folder between runs (keyed by the
 * migrations, so a schema change rebuilds it), then copied for each scenario.
 */
export function uiDb(targetDir: string, log: (line: string) => void): UiDb {
  const migrations = readdirSync(join(REPO_ROOT, 'electron', 'core', 'db', 'migrations'))
    .sort()
    .join(',')
  const key = `ui-v${VERSION}-${createHash('sha1').update(migrations).digest('hex').slice(0, 12)}`
  const cacheDir = join(os.tmpdir(), 'greenline-bench-cache', key)
  const marker = join(cacheDir, 'built.json')
  let cached = existsSync(marker)
  if (!cached) {
    rmSync(cacheDir, { recursive: true, force: true })
    mkdirSync(cacheDir, { recursive: true })
    const others = UI_THREADS * PER_OTHER_THREAD
    log(
      `  building the UI database once (${UI_THREADS.toLocaleString('en-US')} threads + one of ${UI_THREAD_MESSAGES.toLocaleString('en-US')} messages), cached in ${cacheDir}`,
    )
    const info = generateMessagesDb(cacheDir, {
      conversations: UI_THREADS + 1,
      messages: others + UI_THREAD_MESSAGES,
      // The other threads first, then the big one: it is the most recent, first in the list.
      conversationOf: (i) => (i < others ? 1 + (i % UI_THREADS) : 0),
      participantsOf: () => ['priya', 'sam'],
      seed: 121,
    })
    log(`  built in ${(info.genMs / 1000).toFixed(1)} s + FTS ${(info.ftsMs / 1000).toFixed(1)} s`)
    const built: Built = { threadId: info.conversationIds[0], messages: info.messages }
    writeFileSync(marker, JSON.stringify(built))
    cached = false
  }
  const built = JSON.parse(readFileSync(marker, 'utf8')) as Built
  for (const name of readdirSync(cacheDir))
    if (name !== 'built.json') cpSync(join(cacheDir, name), join(targetDir, name), { recursive: true })
  return { dataDir: targetDir, threadId: built.threadId, threads: UI_THREADS + 1, threadMessages: UI_THREAD_MESSAGES, cached }
}
