import type { Db } from './local-store'

/** How many bytes of server media the device keeps; the least recently used go first. */
export const MEDIA_CACHE_BUDGET = 256 * 1024 * 1024

export interface CachedMedia {
  mimeType: string
  bytes: Buffer
}

/** Media bytes held on this device, or undefined; a hit counts as a use (kept longer). */
export function cachedMedia(db: Db, mediaId: string, now: number): CachedMedia | undefined {
  const row = db.prepare('SELECT mime_type, bytes FROM media_cache WHERE media_id = ?').get(mediaId) as
    { mime_type: string; bytes: Buffer } | undefined
  if (!row) return undefined
  db.prepare('UPDATE media_cache SET used_at = ? WHERE media_id = ?').run(now, mediaId)
  return { mimeType: row.mime_type, bytes: row.bytes }
}

/**
 * Keeps media read from the server (the bytes never change: the id is their hash), then trims
 * the cache to its budget by dropping the least recently used. One larger than the budget is not
 * kept at all.
 */
export function cacheMedia(db: Db, mediaId: string, media: CachedMedia, now: number, budget = MEDIA_CACHE_BUDGET): void {
  if (media.bytes.byteLength > budget) return
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO media_cache(media_id, mime_type, bytes, size, used_at) VALUES (?, ?, ?, ?, ?)').run(
      mediaId,
      media.mimeType,
      media.bytes,
      media.bytes.byteLength,
      now,
    )
    let total = db.prepare('SELECT COALESCE(SUM(size), 0) FROM media_cache').pluck().get() as number
    const oldest = db.prepare('SELECT media_id, size FROM media_cache WHERE media_id != ? ORDER BY used_at LIMIT 50')
    const drop = db.prepare('DELETE FROM media_cache WHERE media_id = ?')
    while (total > budget) {
      const rows = oldest.all(mediaId) as Array<{ media_id: string; size: number }>
      if (rows.length === 0) break
      for (const row of rows) {
        if (total <= budget) break
        drop.run(row.media_id)
        total -= row.size
      }
    }
  })()
}
