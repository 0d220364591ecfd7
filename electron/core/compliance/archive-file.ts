import { createHash, type Hash } from 'node:crypto'
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'

export interface ArchivedFile {
  /** Relative to the export folder, with forward slashes. */
  path: string
  sha256: string
  bytes: number
}

const FLUSH_AT = 128 * 1024
/** Up to this much may be in flight to the disk while the next rows are read and formatted. */
const STREAM_BUFFER = 1024 * 1024

/**
 * A file written through a small buffer and a write stream that is allowed to drain: memory stays
 * bounded however much is written. The SHA-256 is computed on the way out.
 * `write` returns a promise only when the caller must wait (buffer flushed into a full stream).
 */
export class ArchiveFile {
  private readonly stream: WriteStream
  private readonly hash: Hash = createHash('sha256')
  private pending: string[] = []
  private pendingLength = 0
  private bytes = 0
  private failure: Error | undefined

  private constructor(
    readonly root: string,
    readonly path: string,
    flags: string,
  ) {
    this.stream = createWriteStream(join(root, path), { flags, highWaterMark: STREAM_BUFFER })
    this.stream.on('error', (error) => {
      this.failure = error
    })
  }

  static async create(root: string, path: string): Promise<ArchiveFile> {
    await mkdir(dirname(join(root, path)), { recursive: true })
    return new ArchiveFile(root, path, 'wx')
  }

  write(text: string): Promise<void> | undefined {
    this.pending.push(text)
    this.pendingLength += text.length
    return this.pendingLength >= FLUSH_AT ? this.flush() : undefined
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure
    if (!this.pending.length) return
    const chunk = Buffer.from(this.pending.join(''), 'utf8')
    this.pending = []
    this.pendingLength = 0
    this.hash.update(chunk)
    this.bytes += chunk.byteLength
    if (!this.stream.write(chunk)) await once(this.stream, 'drain')
  }

  async close(): Promise<ArchivedFile> {
    await this.flush()
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()))
    })
    if (this.failure) throw this.failure
    return { path: this.path, sha256: this.hash.digest('hex'), bytes: this.bytes }
  }

  /** Closes without caring about the result (after another failure). */
  async abandon(): Promise<void> {
    this.pending = []
    await new Promise<void>((resolve) => this.stream.end(() => resolve()))
  }
}

/** Copies a file into the archive, hashing the bytes actually copied. */
export async function copyIntoArchive(source: string, root: string, path: string): Promise<ArchivedFile> {
  const target = join(root, path)
  await mkdir(dirname(target), { recursive: true })
  const hash = createHash('sha256')
  let bytes = 0
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk)
      bytes += chunk.byteLength
      callback(null, chunk)
    },
  })
  await pipeline(createReadStream(source), tap, createWriteStream(target, { flags: 'wx' }))
  return { path, sha256: hash.digest('hex'), bytes }
}

/** Streams a file's SHA-256 (for verifying an export against its manifest). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
