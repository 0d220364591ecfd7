import type { Db } from '../open'
import { statements } from '../statements'

export interface MediaRow {
  id: string
  mime_type: string
  size: number
  width: number | null
  height: number | null
  thumbnail_id: string | null
  created_at: number
}

export function upsertMedia(
  db: Db,
  media: { id: string; mimeType: string; size: number; width?: number; height?: number; thumbnailId?: string; now: number },
): void {
  statements(db)
    .prepare(
      `INSERT INTO media (id, mime_type, size, width, height, thumbnail_id, created_at) VALUES (@id, @mimeType, @size, @width, @height, @thumbnailId, @now)
     ON CONFLICT(id) DO UPDATE SET thumbnail_id = COALESCE(excluded.thumbnail_id, media.thumbnail_id)`,
    )
    .run({ ...media, width: media.width ?? null, height: media.height ?? null, thumbnailId: media.thumbnailId ?? null })
}

export function getMedia(db: Db, id: string): MediaRow | undefined {
  return statements(db).prepare('SELECT * FROM media WHERE id = ?').get(id) as MediaRow | undefined
}

/** A user may see media attached (directly or as its thumbnail) to a thread they participate in. */
export function mediaVisibleTo(db: Db, mediaId: string, userId: string): boolean {
  return !!statements(db)
    .prepare(
      `SELECT 1 FROM messages m
       JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = @userId AND p.left_at IS NULL
       WHERE m.media_id = @mediaId OR m.media_id IN (SELECT id FROM media WHERE thumbnail_id = @mediaId)
       LIMIT 1`,
    )
    .get({ mediaId, userId })
}
