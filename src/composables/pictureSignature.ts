/**
 * A first look at a file's opening bytes when it is added to the picture tray, so a `.txt` is
 * refused at once instead of on Send. The engine still decides from the whole file (it reads the
 * type from the bytes, converts and shrinks); this only spares the user a batch that cannot go.
 */

/** How many opening bytes the check reads. */
export const SIGNATURE_BYTES = 32

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'avif', 'avis'])

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) => prefix.every((byte, i) => bytes[at + i] === byte)
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to))

/** True when the bytes open like a picture format the engine can decode (JPEG, PNG, GIF, WebP, TIFF, HEIC/HEIF, AVIF). */
export function looksLikePicture(head: Uint8Array): boolean {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return true // JPEG
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return true // PNG
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return true
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return true
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return true // TIFF
  // ISO base media (HEIC, HEIF, AVIF): `ftyp` then the major brand.
  return ascii(head, 4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(head, 8, 12))
}

/** Reads a file's opening bytes and says whether it can be a picture. */
export async function fileLooksLikePicture(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, SIGNATURE_BYTES).arrayBuffer())
  return looksLikePicture(head)
}
