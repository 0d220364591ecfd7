import type { IpcMain, IpcMainEvent, NativeImage } from 'electron'
import type { SqliteEngine } from '../core/engine'
import { getMedia } from '../core/db/repositories/media'
import { isValidMediaId } from '../core/media/media-store'
import type { TeamClient } from '../team-client/team-client'

/** The IPC message the preload sends when a picture is dragged out of a thread. */
export const DRAG_OUT_CHANNEL = 'media:startDrag'

export interface DragOutDeps {
  ipcMain: Pick<IpcMain, 'on' | 'removeListener'>
  engine: Pick<SqliteEngine, 'media' | 'db'>
  isTrustedSender: (url: string | undefined) => boolean
  /** The drag image: the picture's thumbnail when there is one. */
  icon: (path: string) => NativeImage
  fallbackIcon: () => NativeImage
  /** Team mode: the signed-in team client, whose cached pictures are dragged instead of the engine's. */
  team?: () => Pick<TeamClient, 'mediaFile'> | undefined
}

/**
 * Drags a picture out of a thread onto the desktop or another app (Electron's `startDrag`). The
 * renderer names the picture by its media id only; the file path never crosses to it. Requests
 * from other frames, malformed ids and unknown media are ignored. In team mode the file is the
 * team client's copy of the server's picture (the engine's media store has none of it).
 */
export function registerDragOut(deps: DragOutDeps): () => void {
  const listener = (event: IpcMainEvent, mediaId: unknown) => {
    let url: string | undefined
    try {
      url = event.senderFrame?.url
    } catch {
      url = undefined
    }
    if (!deps.isTrustedSender(url) || !isValidMediaId(mediaId)) return
    const team = deps.team?.()
    if (team) {
      // The picture the window shows was read from the server into the client's cache.
      const path = team.mediaFile(mediaId)
      if (path) event.sender.startDrag({ file: path, icon: deps.fallbackIcon() })
      return
    }
    const file = deps.engine.media.open(mediaId)
    const row = getMedia(deps.engine.db, mediaId)
    if (!file || !row) return
    const thumbnail = row.thumbnail_id ? deps.engine.media.open(row.thumbnail_id) : null
    event.sender.startDrag({ file: file.path, icon: thumbnail ? deps.icon(thumbnail.path) : deps.fallbackIcon() })
  }
  deps.ipcMain.on(DRAG_OUT_CHANNEL, listener)
  return () => deps.ipcMain.removeListener(DRAG_OUT_CHANNEL, listener)
}
