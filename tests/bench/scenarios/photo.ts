import { benchPreparePhoto, benchSharpBaseline, benchThumbnail, makeTestPhoto } from '../support/bench-images'
import { median } from '../stats'
import type { Scenario } from '../support/types'

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn() // warm-up (libvips caches, JIT)
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    times.push(performance.now() - start)
  }
  return times
}

/** A 12-megapixel camera-like JPEG through the send path and the thumbnailer, against sharp alone. */
export const photo: Scenario = {
  id: 'photo',
  figures: ['photo_prepare_ms', 'photo_prepare_ratio_to_sharp', 'thumbnail_ms'],
  async run(ctx) {
    const runs = ctx.quick ? 3 : 5
    const image = await makeTestPhoto({ megapixels: 12 })
    ctx.log(`  test photo: ${(image.byteLength / 1024 / 1024).toFixed(1)} MB JPEG, 12 MP`)
    const prepare = median(await timed(runs, () => benchPreparePhoto(image)))
    const sharp = median(await timed(runs, () => benchSharpBaseline(image)))
    const thumbnail = median(await timed(runs, () => benchThumbnail(image)))
    return [
      {
        name: 'photo_prepare_ms',
        value: prepare,
        unit: 'ms',
        runs,
        ratio: { value: prepare / sharp, of: 'sharp resize 2048 + jpeg 85' },
        note: `12 MP JPEG (${(image.byteLength / 1024 / 1024).toFixed(1)} MB); sharp baseline (resize to fit 2048, JPEG q85) median ${sharp.toFixed(0)} ms; warm-up run excluded`,
      },
      { name: 'photo_prepare_ratio_to_sharp', value: prepare / sharp, unit: 'ratio', runs },
      { name: 'thumbnail_ms', value: thumbnail, unit: 'ms', runs },
    ]
  },
}
