/**
 * Lossless removal of JPEG metadata: drops the marker segments that carry EXIF (GPS, camera serials,
 * thumbnails), XMP, IPTC, comments and vendor data, and anything after the end-of-image marker
 * (where phones append depth maps and secondary pictures, each with its own EXIF). Compressed
 * pixels are copied untouched, so quality is exactly the original's.
 *
 * Kept: JFIF (APP0), the ICC colour profile (APP2 "ICC_PROFILE"), Adobe colour-transform info (APP14),
 * which decoders need to show the same colours, and every table, frame and scan.
 */

export interface StrippedJpeg {
  bytes: Buffer
  /** False when there was nothing to remove: `bytes` is then the input itself. */
  removed: boolean
}

const SOI = 0xd8
const EOI = 0xd9
const SOS = 0xda
const APP0 = 0xe0
const APP2 = 0xe2
const APP14 = 0xee
const APP15 = 0xef
const COM = 0xfe

/** Returns null when the bytes do not hold a complete, well-formed JPEG segment structure. */
export function stripJpegMetadata(input: Uint8Array): StrippedJpeg | null {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return null

  const kept: Buffer[] = [bytes.subarray(0, 2)]
  let removed = false
  let pos = 2

  for (;;) {
    if (pos >= bytes.length || bytes[pos] !== 0xff) return null
    while (bytes[pos] === 0xff) pos++ // fill bytes may precede any marker
    if (pos >= bytes.length) return null
    const marker = bytes[pos++]

    if (marker === EOI) {
      kept.push(Buffer.from([0xff, EOI]))
      if (pos < bytes.length) removed = true
      break
    }
    if (isStandalone(marker)) {
      kept.push(Buffer.from([0xff, marker]))
      continue
    }
    if (pos + 2 > bytes.length) return null
    const length = bytes.readUInt16BE(pos)
    if (length < 2 || pos + length > bytes.length) return null
    const segment = bytes.subarray(pos - 2, pos + length)
    const payload = bytes.subarray(pos + 2, pos + length)
    pos += length

    if (isMetadata(marker, payload)) {
      removed = true
    } else {
      kept.push(segment)
    }

    if (marker === SOS) {
      const end = endOfEntropyData(bytes, pos)
      kept.push(bytes.subarray(pos, end))
      pos = end
    }
  }

  return removed ? { bytes: Buffer.concat(kept), removed } : { bytes, removed }
}

function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)
}

function isMetadata(marker: number, payload: Buffer): boolean {
  if (marker === COM) return true
  if (marker < APP0 || marker > APP15) return false
  if (marker === APP0) return !startsWith(payload, 'JFIF\0')
  if (marker === APP2) return !startsWith(payload, 'ICC_PROFILE\0')
  if (marker === APP14) return !startsWith(payload, 'Adobe')
  return true
}

function startsWith(payload: Buffer, signature: string): boolean {
  return payload.subarray(0, signature.length).toString('latin1') === signature
}

/** Scan data ends at the first marker that is neither a stuffed 0xFF00 nor a restart marker. */
function endOfEntropyData(bytes: Buffer, start: number): number {
  let pos = start
  while (pos < bytes.length - 1) {
    if (bytes[pos] === 0xff) {
      const next = bytes[pos + 1]
      if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7)) return pos
    }
    pos++
  }
  return bytes.length
}
