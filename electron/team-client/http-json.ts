import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

export interface JsonResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: unknown
  /** The answer's bytes as they came (only when asked for with `raw`). */
  bytes?: Buffer
}

export interface JsonRequest {
  method?: 'GET' | 'POST' | 'DELETE'
  headers?: Record<string, string>
  body?: unknown
  /** A raw body instead of JSON (a picture upload), sent as `application/octet-stream`. */
  bytes?: Uint8Array
  /** Extra trusted certificates (an office's private CA, a test's own authority). */
  ca?: string | Buffer
  signal?: AbortSignal
  /** Keep the answer as bytes (a picture) instead of reading it as JSON. */
  raw?: boolean
}

/**
 * One HTTP(S) request with a JSON body and answer. Plain `node:http(s)` rather than fetch: Node
 * 20's fetch cannot take an extra CA, and its errors hide the TLS code behind `cause`. A failure
 * to connect rejects with the socket's own error (`code` such as `ECONNREFUSED` or
 * `DEPTH_ZERO_SELF_SIGNED_CERT`) for `classifyConnectionError`; any HTTP status resolves.
 */
export function requestJson(url: string, options: JsonRequest = {}): Promise<JsonResponse> {
  const target = new URL(url)
  const payload = options.bytes
    ? Buffer.from(options.bytes.buffer, options.bytes.byteOffset, options.bytes.byteLength)
    : options.body === undefined
      ? undefined
      : Buffer.from(JSON.stringify(options.body))
  const contentType = options.bytes ? 'application/octet-stream' : 'application/json'
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: {
          Accept: options.raw ? '*/*' : 'application/json',
          ...(payload ? { 'Content-Type': contentType, 'Content-Length': String(payload.length) } : {}),
          ...options.headers,
        },
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        timeout: 20_000,
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () => {
          if (options.raw)
            return resolve({ status: response.statusCode ?? 0, headers: response.headers, body: undefined, bytes: Buffer.concat(chunks) })
          const text = Buffer.concat(chunks).toString('utf8')
          let body: unknown
          try {
            body = text ? (JSON.parse(text) as unknown) : undefined
          } catch {
            body = undefined
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body })
        })
      },
    )
    request.on('timeout', () => request.destroy(Object.assign(new Error('The server did not answer in time'), { code: 'ETIMEDOUT' })))
    request.on('error', reject)
    request.end(payload)
  })
}
