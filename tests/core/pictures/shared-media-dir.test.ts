import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../electron/core/engine'
import { makeTestPhoto } from '../../bench/support/bench-images'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import type { MediaUploadValue } from '../../../electron/shared/api/contract'
import type { Result } from '../../../electron/shared/api/result'
import { resolveServerConfig } from '../../../electron/server/config'

// Several server instances keep pictures on one directory they all reach (issue 15).
let root: string
let engines: Engine[]

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'greenline-shared-media-'))
  const mediaDir = join(root, 'shared-media')
  engines = ['a', 'b'].map((name) => createEngine({ dataDir: join(root, name), mediaDir, org: demoOrgPolicy() }))
})

afterEach(async () => {
  for (const engine of engines) await engine.close()
  rmSync(root, { recursive: true, force: true })
})

const upload = (engine: Engine, bytes: Buffer) =>
  engine.dispatch({ userId: 'priya' }, 'media:upload', { dataBase64: bytes.toString('base64') }) as Promise<Result<MediaUploadValue>>

it('stores an upload in the shared media directory, where another instance finds the same file', async () => {
  const photo = await makeTestPhoto({ megapixels: 0.5 })
  const [first, second] = await Promise.all([upload(engines[0], photo), upload(engines[1], photo)])
  if (!first.ok || !second.ok) throw new Error('upload failed')
  // Content-addressed: both instances name the same picture the same, and each can open the other's.
  expect(second.value.mediaId).toBe(first.value.mediaId)
  const opened = engines[1].media.open(first.value.mediaId)
  expect(opened?.path.startsWith(join(root, 'shared-media'))).toBe(true)
  expect(opened?.size).toBeGreaterThan(0)
  expect(existsSync(join(root, 'a', 'media'))).toBe(false)
})

it('is set with --media-dir or GREENLINE_MEDIA_DIR, and defaults to the data directory', () => {
  expect(resolveServerConfig(['--media-dir', '/srv/media'], {}).mediaDir).toBe('/srv/media')
  expect(resolveServerConfig([], { GREENLINE_MEDIA_DIR: '/mnt/greenline' }).mediaDir).toBe('/mnt/greenline')
  expect(resolveServerConfig([], {}).mediaDir).toBeUndefined()
})
