import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { COPY_SLICE_BYTES, copyInSlices, decodeHeicInWorker } from '../../../electron/core/media/heic-pool'
import { prepareImage } from '../../../electron/core/media/prepare-image'

/** A real HEIC (heif-enc, libheif-examples) of a noisy picture, so decoding takes real work. */
async function realHeic(width: number, height: number): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'greenline-heic-pool-'))
  try {
    const png = await sharp({
      create: { width, height, channels: 3, background: '#3366cc', noise: { type: 'gaussian', mean: 120, sigma: 8 } },
    })
      .png()
      .toBuffer()
    writeFileSync(join(dir, 'in.png'), png)
    const encoded = spawnSync('heif-enc', ['-q', '80', '-o', join(dir, 'out.heic'), join(dir, 'in.png')])
    expect(encoded.status, 'heif-enc is missing: apt-get install libheif-examples').toBe(0)
    return readFileSync(join(dir, 'out.heic'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('HEIC decoding in a worker thread (issue 21)', () => {
  it('copies the picture for the worker a slice per event-loop turn, byte for byte', async () => {
    const bytes = Uint8Array.from({ length: 5 * COPY_SLICE_BYTES + 123 }, (_, i) => (i * 31) % 251)
    let turns = 0
    const tick = () => {
      turns++
      if (turns < 100) setImmediate(tick)
    }
    setImmediate(tick)
    const copy = await copyInSlices(bytes.subarray(0))
    // Six slices: the loop turned between them.
    expect(turns).toBeGreaterThanOrEqual(5)
    expect(copy.buffer).not.toBe(bytes.buffer)
    expect(Buffer.from(copy).equals(Buffer.from(bytes))).toBe(true)
  })

  it('decodes in a worker while the engine’s event loop keeps turning', async () => {
    const heic = await realHeic(1024, 768)
    let turns = 0
    let running = true
    const tick = () => {
      turns++
      if (running) setImmediate(tick)
    }
    setImmediate(tick)
    const pixels = await decodeHeicInWorker(heic)
    running = false
    expect({ width: pixels.width, height: pixels.height, bytes: pixels.data.byteLength }).toEqual({
      width: 1024,
      height: 768,
      bytes: 1024 * 768 * 4,
    })
    // The decode takes hundreds of milliseconds of CPU; on the main thread it would allow no turn at all.
    expect(turns).toBeGreaterThan(0)
  }, 60_000)

  it('decodes several at once and fails cleanly on bytes that are not HEIC', async () => {
    const heic = await realHeic(320, 240)
    const results = await Promise.all([1, 2, 3].map(() => decodeHeicInWorker(heic)))
    expect(results.map((r) => `${r.width}x${r.height}`)).toEqual(['320x240', '320x240', '320x240'])
    await expect(decodeHeicInWorker(Buffer.from('not a heic file at all'))).rejects.toThrow()
    // The pool still works after a failure.
    expect((await decodeHeicInWorker(heic)).width).toBe(320)
  }, 60_000)

  it('prepares a HEIC through the pool into a sendable JPEG', async () => {
    const result = await prepareImage(await realHeic(640, 480))
    expect(result.ok && { mime: result.value.mimeType, w: result.value.width, h: result.value.height }).toEqual({
      mime: 'image/jpeg',
      w: 640,
      h: 480,
    })
  }, 60_000)
})
