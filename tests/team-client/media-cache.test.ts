// @team-client: the device's cache of server media stays within its byte budget, least recently used out first.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { bindUser, openLocalStore } from '../../electron/team-client/local-store'
import { cacheMedia, cachedMedia } from '../../electron/team-client/media-cache'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

it('keeps what fits the budget, drops the least recently used, never keeps one larger than the budget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenline-media-cache-'))
  dirs.push(dir)
  const db = openLocalStore(dir)
  const media = (n: number) => ({ mimeType: 'image/png', bytes: Buffer.alloc(n, 1) })
  cacheMedia(db, 'a', media(400), 1, 1000)
  cacheMedia(db, 'b', media(400), 2, 1000)
  expect(cachedMedia(db, 'a', 3)?.bytes.byteLength).toBe(400) // used again: now newer than b
  cacheMedia(db, 'c', media(400), 4, 1000)
  expect(cachedMedia(db, 'b', 5)).toBeUndefined()
  expect(cachedMedia(db, 'a', 5)).toBeDefined()
  expect(cachedMedia(db, 'c', 5)).toMatchObject({ mimeType: 'image/png' })
  cacheMedia(db, 'huge', media(2000), 6, 1000)
  expect(cachedMedia(db, 'huge', 7)).toBeUndefined()
  // Another user signing in on this computer sees none of it.
  bindUser(db, 'priya')
  bindUser(db, 'sam')
  expect(cachedMedia(db, 'a', 8)).toBeUndefined()
  db.close()
})
