export interface MultipartFile {
  filename?: string
  contentType?: string
  data: Buffer
}

export interface MultipartForm {
  fields: Record<string, string>
  files: Record<string, MultipartFile>
}

/** Thrown when the body is not well-formed multipart/form-data. */
export class MultipartError extends Error {}

function boundaryOf(contentType: string): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  if (!/^multipart\/form-data/i.test(contentType) || !boundary) throw new MultipartError('Expected multipart/form-data with a boundary')
  return boundary
}

function headerParam(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}="([^"]*)"`, 'i').exec(header) ?? new RegExp(`;\\s*${name}=([^;\\s]+)`, 'i').exec(header)
  return match?.[1]
}

/**
 * Parses a complete multipart/form-data body (RFC 7578). Parts with a filename become files; the
 * others become UTF-8 fields. Throws MultipartError on a malformed body.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartForm {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`)
  const form: MultipartForm = { fields: {}, files: {} }
  let position = body.indexOf(delimiter)
  if (position < 0) throw new MultipartError('Boundary not found')
  for (;;) {
    position += delimiter.length
    if (body.subarray(position, position + 2).toString() === '--') return form
    // Skip the CRLF that ends the delimiter line.
    if (body.subarray(position, position + 2).toString() !== '\r\n') throw new MultipartError('Malformed delimiter line')
    position += 2
    const headerEnd = body.indexOf('\r\n\r\n', position)
    if (headerEnd < 0) throw new MultipartError('Part headers not terminated')
    const headers = body.subarray(position, headerEnd).toString('utf8').split('\r\n')
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4)
    if (next < 0) throw new MultipartError('Closing boundary not found')
    const data = body.subarray(headerEnd + 4, next)
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? ''
    const partType = headers
      .find((h) => /^content-type:/i.test(h))
      ?.replace(/^content-type:\s*/i, '')
      .trim()
    const name = headerParam(disposition, 'name')
    if (!name) throw new MultipartError('Part without a name')
    const filename = headerParam(disposition, 'filename')
    if (filename !== undefined || (partType && !/^text\/plain/i.test(partType))) {
      form.files[name] = { filename, contentType: partType, data: Buffer.from(data) }
    } else {
      form.fields[name] = data.toString('utf8')
    }
    position = next + 2
  }
}
