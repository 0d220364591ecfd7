import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { makeTestPhoto } from '../../bench/support/bench-images'
import { MediaFailure } from '../../../electron/core/media/media-error'
import { makeThumbnail } from '../../../electron/core/media/thumbnail'
import { GPS, halves, isReddish, pixelAt, solid } from './images'

describe('makeThumbnail', () => {
  it('makes a 320 px JPEG preview of a 12-megapixel photo', async () => {
    const photo = await makeTestPhoto({ megapixels: 12 })
    const thumbnail = await makeThumbnail(photo)
    expect(thumbnail).toMatchObject({ mimeType: 'image/jpeg', width: 320, height: 240 })
    const metadata = await sharp(thumbnail.bytes).metadata()
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['jpeg', 320, 240])
    expect(thumbnail.bytes.length).toBeLessThan(60_000)
  })

  it('shows a sideways-stored photo upright and carries no metadata', async () => {
    const stored = await sharp(await halves(800, 400))
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExifMerge(GPS)
      .toBuffer()
    const thumbnail = await makeThumbnail(stored, { maxEdge: 100 })
    expect([thumbnail.width, thumbnail.height]).toEqual([50, 100])
    expect(isReddish(await pixelAt(thumbnail.bytes, 25, 10))).toBe(true)
    const metadata = await sharp(thumbnail.bytes).metadata()
    expect(metadata.exif).toBeUndefined()
    expect(metadata.orientation).toBeUndefined()
  })

  it('does not enlarge small pictures and puts transparency on white', async () => {
    const png = await solid(40, 20, '#00000000', 4).png().toBuffer()
    const thumbnail = await makeThumbnail(png)
    expect([thumbnail.width, thumbnail.height]).toEqual([40, 20])
    expect(await pixelAt(thumbnail.bytes, 5, 5)).toEqual([255, 255, 255])
  })

  it('rejects a truncated picture and a non-picture with the same codes as prepareImage', async () => {
    const jpeg = await makeTestPhoto({ megapixels: 0.3 })
    await expect(makeThumbnail(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).rejects.toMatchObject({ code: 'corrupt' })
    await expect(makeThumbnail(Buffer.from('hello'))).rejects.toBeInstanceOf(MediaFailure)
    await expect(makeThumbnail(Buffer.from('hello'))).rejects.toMatchObject({ code: 'not_an_image' })
  })
})
