import { randomUUID } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256Hex } from './sha256'

export interface StoredMedia {
  /** Lowercase hex SHA-256 of the content. */
  id: string
  /** Absolute path of the file; it never changes while the file exists. */
  path: string
  size: number
  mimeType: string
}

export interface MediaFile {
  id: string
  path: string
  size: number
}

/**
 * Content-addressed files: `<root>/<first two hex>/<sha256>`. The MIME type is not kept on disk (the
 * `media` table owns it); `put` only echoes it back.
 */
export interface MediaStore {
  readonly rootDir: string
  /** Stores bytes atomically (temp file, fsync, rename). Storing the same bytes again is a no-op. Rejects on disk errors. */
  put(bytes: Uint8Array, mimeType: string): Promise<StoredMedia>
  /** The file for `id`, or null when the id is malformed or nothing is stored under it. */
  open(id: string): MediaFile | null
  /** The content, or null when the id is malformed or nothing is stored under it. */
  read(id: string): Promise<Buffer | null>
  has(id: string): boolean
  /** True when a file was removed; false for malformed or unknown ids. */
  remove(id: string): Promise<boolean>
}

const MEDIA_ID = /^[0-9a-f]{64}$/

/** Exactly 64 lowercase hex characters. Anything else (paths, `..`, encodings, uppercase) is refused. */
export function isValidMediaId(id: unknown): id is string {
  return typeof id === 'string' && MEDIA_ID.test(id)
}

/** `rootDir` is created on the first `put`. Malformed ids never reach the filesystem. */
export function createMediaStore(rootDir: string): MediaStore {
  // Only ever called with validated ids: the regex is what keeps paths inside rootDir.
  const pathOf = (id: string) => join(rootDir, id.slice(0, 2), id)

  return {
    rootDir,

    async put(bytes, mimeType) {
      const id = sha256Hex(bytes)
      const path = pathOf(id)
      const existing = await stat(path).catch(() => null)
      if (existing?.size === bytes.byteLength) return { id, path, size: existing.size, mimeType }

      await mkdir(join(rootDir, id.slice(0, 2)), { recursive: true })
      // A unique temp name lets two puts of the same bytes race safely: each renames a complete file.
      const temp = `${path}.${randomUUID()}.tmp`
      try {
        const handle = await open(temp, 'wx')
        try {
          await handle.writeFile(bytes)
          await handle.sync()
        } finally {
          await handle.close()
        }
        await rename(temp, path)
      } catch (error) {
        await rm(temp, { force: true })
        throw error
      }
      return { id, path, size: bytes.byteLength, mimeType }
    },

    open(id) {
      if (!isValidMediaId(id)) return null
      const path = pathOf(id)
      try {
        const info = statSync(path)
        return info.isFile() ? { id, path, size: info.size } : null
      } catch {
        return null
      }
    },

    async read(id) {
      if (!isValidMediaId(id)) return null
      return readFile(pathOf(id)).catch(() => null)
    },

    has(id) {
      return isValidMediaId(id) && existsSync(pathOf(id))
    },

    async remove(id) {
      if (!isValidMediaId(id)) return false
      const path = pathOf(id)
      if (!existsSync(path)) return false
      await rm(path, { force: true })
      return true
    },
  }
}
