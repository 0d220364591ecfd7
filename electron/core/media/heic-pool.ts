import { createRequire } from 'node:module'
import os from 'node:os'
import { Worker } from 'node:worker_threads'

/**
 * HEIC decoding off the engine's thread (issue 21): heic-decode is WebAssembly and decodes
 * synchronously, 2–3 s for a 12 MP photo, which stalled every request and send meanwhile. A small
 * pool of worker threads (one per spare core, at most two) decodes instead; jobs queue when all
 * are busy. Idle workers do not keep the process alive. The worker is plain CommonJS given as
 * text, so it runs the same under tsx, vitest and the bundled app; it loads heic-decode from the
 * path resolved here.
 */

export interface DecodedPixels {
  width: number
  height: number
  /** RGBA, 8 bits per channel. */
  data: Uint8Array
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const decode = require(workerData.heicDecode)
parentPort.on('message', async ({ id, bytes }) => {
  try {
    const out = await decode({ buffer: bytes })
    const data = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength)
    parentPort.postMessage({ id, width: out.width, height: out.height, data }, [data.buffer])
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) })
  }
})
`

type Reply = { id: number; width: number; height: number; data: Uint8Array } | { id: number; error: string }

interface Job {
  id: number
  bytes: Uint8Array<ArrayBuffer>
  resolve: (pixels: DecodedPixels) => void
  reject: (error: Error) => void
}

/** Bytes copied per turn of the event loop (~1 ms here). */
export const COPY_SLICE_BYTES = 512 * 1024

/**
 * Copies `bytes` a slice per event-loop turn. Copying a 4.8 MB photo at once stood the engine still
 * for ~14 ms here (the new memory's pages are faulted in as they are written), a third of a HEIC's
 * stall budget (issue 21). `set` of a subarray is a memcpy; `Uint8Array.from` would iterate.
 */
export async function copyInSlices(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const copy = new Uint8Array(bytes.byteLength)
  for (let at = 0; at < bytes.byteLength; at += COPY_SLICE_BYTES) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve))
    copy.set(bytes.subarray(at, at + COPY_SLICE_BYTES), at)
  }
  return copy
}

export const HEIC_POOL_SIZE = Math.max(1, Math.min(2, os.cpus().length - 1))

class HeicPool {
  private readonly idle: Worker[] = []
  private readonly busy = new Map<Worker, Job>()
  private readonly queue: Job[] = []
  private readonly live = new Set<Worker>()
  private nextId = 1
  private heicDecodePath: string | undefined

  async decode(bytes: Uint8Array): Promise<DecodedPixels> {
    // A copy: the worker takes ownership of the buffer it is sent.
    const copy = await copyInSlices(bytes)
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, bytes: copy, resolve, reject })
      this.pump()
    })
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.live.size < HEIC_POOL_SIZE ? this.spawn() : undefined)
      if (!worker) return
      const job = this.queue.shift()!
      this.busy.set(worker, job)
      worker.ref()
      worker.postMessage({ id: job.id, bytes: job.bytes }, [job.bytes.buffer])
    }
  }

  private spawn(): Worker {
    this.heicDecodePath ??= createRequire(import.meta.url).resolve('heic-decode')
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { heicDecode: this.heicDecodePath } })
    this.live.add(worker)
    worker.on('message', (reply: Reply) => {
      const job = this.busy.get(worker)
      this.busy.delete(worker)
      worker.unref()
      this.idle.push(worker)
      if (job) {
        if ('error' in reply) job.reject(new Error(reply.error))
        else job.resolve({ width: reply.width, height: reply.height, data: reply.data })
      }
      this.pump()
    })
    worker.on('error', (error: Error) => this.retire(worker, error))
    worker.on('exit', (code) => this.retire(worker, new Error(`HEIC worker stopped (${code})`)))
    return worker
  }

  /** A worker that crashed (out of memory on a hostile file) fails its job; the next job gets a new one. */
  private retire(worker: Worker, error: Error): void {
    if (!this.live.delete(worker)) return
    const job = this.busy.get(worker)
    this.busy.delete(worker)
    const at = this.idle.indexOf(worker)
    if (at >= 0) this.idle.splice(at, 1)
    job?.reject(error)
    this.pump()
  }
}

const pool = new HeicPool()

/** Decodes a HEIC/HEIF file's primary image in a worker thread; rejects when it cannot. */
export function decodeHeicInWorker(bytes: Uint8Array): Promise<DecodedPixels> {
  return pool.decode(bytes)
}
