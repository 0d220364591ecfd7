import type { MediaRow } from '../../repositories/media'
import type { PgQueryable } from '../pool'

// PostgreSQL twin of ../../repositories/media.ts: same functions, same results.

export async function upsertMedia(
  db: PgQueryable,
  media: { id: string; mimeType: string; size: number; width?: number; height?: number; thumbnailId?: string; now: number },
): Promise<void> {
  await db.query(
    `INSERT INTO media (id, mime_type, size, width, height, thumbnail_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET thumbnail_id = COALESCE(excluded.thumbnail_id, media.thumbnail_id)`,
    [media.id, media.mimeType, media.size, media.width ?? null, media.height ?? null, media.thumbnailId ?? null, media.now],
  )
}

export async function getMedia(db: PgQueryable, id: string): Promise<MediaRow | undefined> {
  const { rows } = await db.query<MediaRow>('SELECT * FROM media WHERE id = $1', [id])
  return rows[0]
}

/** A user may see media attached (directly or as its thumbnail) to a thread they participate in. */
export async function mediaVisibleTo(db: PgQueryable, mediaId: string, userId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM messages m
     JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = $2 AND p.left_at IS NULL
     WHERE m.media_id = $1 OR m.media_id IN (SELECT id FROM media WHERE thumbnail_id = $1)
     LIMIT 1`,
    [mediaId, userId],
  )
  return (rowCount ?? 0) > 0
}
