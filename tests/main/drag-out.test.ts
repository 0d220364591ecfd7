import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { SqliteEngine } from '../../electron/core/engine'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { createEngine } = await import('../../electron/core/engine')
const { demoOrgPolicy } = await import('../../electron/launcher/demo-org')
const { upsertMedia } = await import('../../electron/core/db/repositories/media')
const { registerDragOut, DRAG_OUT_CHANNEL } = await import('../../electron/main/drag-out')

const APP = 'file:///app/out/renderer/index.html'
let engine: SqliteEngine
let pictureId: string
let thumbnailId: string
const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>()
const icon = (path: string) => ({ path }) as never

beforeAll(async () => {
  engine = createEngine({ dataDir: mkdtempSync(join(tmpdir(), 'greenline-drag-')), org: demoOrgPolicy() })
  const thumbnail = await engine.media.put(Buffer.from('thumbnail'), 'image/jpeg')
  const picture = await engine.media.put(Buffer.from('picture'), 'image/jpeg')
  thumbnailId = thumbnail.id
  pictureId = picture.id
  upsertMedia(engine.db, { id: thumbnailId, mimeType: 'image/jpeg', size: 9, now: 1 })
  upsertMedia(engine.db, { id: pictureId, mimeType: 'image/jpeg', size: 7, thumbnailId, now: 1 })
  registerDragOut({
    ipcMain: { on: (channel: string, listener: never) => listeners.set(channel, listener), removeListener: vi.fn() } as never,
    engine,
    isTrustedSender: (url) => url === APP,
    icon,
    fallbackIcon: () => ({ path: 'app-icon' }) as never,
  })
})
afterAll(async () => {
  await engine.close()
})

function drag(mediaId: unknown, url = APP) {
  const startDrag = vi.fn()
  listeners.get(DRAG_OUT_CHANNEL)!({ senderFrame: { url }, sender: { startDrag } }, mediaId)
  return startDrag
}

describe('dragging a picture out of a thread', () => {
  it('hands the stored file to startDrag with its thumbnail as the drag image', () => {
    const startDrag = drag(pictureId)
    expect(startDrag).toHaveBeenCalledWith({
      file: engine.media.open(pictureId)!.path,
      icon: { path: engine.media.open(thumbnailId)!.path },
    })
  })

  it('ignores other frames, malformed ids and unknown media', () => {
    expect(drag(pictureId, 'https://evil.example/')).not.toHaveBeenCalled()
    expect(drag('../../etc/passwd')).not.toHaveBeenCalled()
    expect(drag('0'.repeat(64))).not.toHaveBeenCalled()
  })
})
