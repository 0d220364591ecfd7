import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { prepareImage } from '../../../electron/core/media/prepare-image'
import { halves } from './images'

/**
 * A real HEIC (heif-enc, HEVC, as iPhones write) whose `ispe` box claims another size. The limit
 * reads only the header, so the claim is what it judges; nothing of the picture is decoded.
 */
async function heicClaiming(claim?: { width: number; height: number }): Promise<Buffer> {
  expect(spawnSync('heif-enc', ['--help']).error, 'heif-enc is missing: apt-get install libheif-examples').toBeUndefined()
  const dir = mkdtempSync(join(tmpdir(), 'greenline-heic-limit-'))
  try {
    writeFileSync(join(dir, 'in.png'), await halves(64, 48))
    const encoded = spawnSync('heif-enc', ['-q', '50', '-o', join(dir, 'out.heic'), join(dir, 'in.png')])
    expect(encoded.status, encoded.stderr.toString()).toBe(0)
    const heic = readFileSync(join(dir, 'out.heic'))
    if (!claim) return heic
    // Every ispe box (the picture and its coded tile): the box type, 4 bytes of version and flags,
    // then width and height as 32-bit integers.
    let patched = 0
    for (let at = heic.indexOf('ispe'); at >= 0; at = heic.indexOf('ispe', at + 1), patched++) {
      heic.writeUInt32BE(claim.width, at + 8)
      heic.writeUInt32BE(claim.height, at + 12)
    }
    expect(patched, 'no ispe box').toBeGreaterThan(0)
    return heic
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('@security prepareImage: HEIC pixel limit', () => {
  it('refuses a 12000×9000 HEIC from its header, before the HEIC decoder sees it', async () => {
    const result = await prepareImage(await heicClaiming({ width: 12_000, height: 9_000 }), { maxBytes: 5 * 1024 * 1024 })
    expect(result).toEqual({
      ok: false,
      error: { code: 'too_large', message: expect.stringContaining('50 megapixels'), text: { code: 'media.tooManyPixels' } },
    })
  })

  it('still converts a HEIC whose header is honest', async () => {
    const result = await prepareImage(await heicClaiming(), { maxBytes: 5 * 1024 * 1024 })
    expect(result).toMatchObject({ ok: true, value: { mimeType: 'image/jpeg', width: 64, height: 48 } })
  })
})
