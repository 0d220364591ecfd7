// heic-decode 2.1.0 ships no types; this covers the part Greenline uses.
declare module 'heic-decode' {
  interface DecodedHeic {
    width: number
    height: number
    /** RGBA, 8 bits per channel, row by row. */
    data: Uint8ClampedArray
  }
  /** Decodes the primary image of a HEIC/HEIF file; rejects when the bytes are not HEIC or cannot be decoded. */
  function decode(input: { buffer: Uint8Array | ArrayBuffer }): Promise<DecodedHeic>
  export default decode
}
