// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

/**
 * Pictures leave the renderer as bytes: the raw body of `POST /media` in a browser, a Uint8Array
 * over the preload bridge in the desktop app. Never base64 inside a JSON message.
 */
const picture = () => new File([new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3])], 'crown.jpg', { type: 'image/jpeg' })
const value = { mediaId: 'a'.repeat(64), mimeType: 'image/jpeg', size: 6, width: 1, height: 1, converted: false }

describe('uploadMedia', () => {
  beforeEach(() => {
    vi.resetModules()
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    delete (window as { greenline?: unknown }).greenline
  })

  it('in a browser, posts the file itself to /media with the session cookie', async () => {
    const fetch = vi.fn(() => Promise.resolve(new Response(JSON.stringify(value), { status: 201 })))
    vi.stubGlobal('fetch', fetch)
    const { uploadMedia } = await import('../../src/api/client')
    const file = picture()
    expect(await uploadMedia(file, 'crown.jpg')).toEqual(value)
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/media')
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: file })
  })

  it('in a browser, says why a picture was refused (too large, not a picture, signed out)', async () => {
    const answers = [
      new Response(JSON.stringify({ code: 'invalid', message: 'This file is larger than 50 MB.' }), { status: 413 }),
      new Response(JSON.stringify({ code: 'invalid', message: 'This file is not a picture.' }), { status: 400 }),
      new Response(JSON.stringify({ message: 'Sign in first' }), { status: 401 }),
    ]
    vi.stubGlobal('fetch', () => Promise.resolve(answers.shift()))
    const { uploadMedia } = await import('../../src/api/client')
    await expect(uploadMedia(picture())).rejects.toMatchObject({ error: { code: 'invalid', message: 'This file is larger than 50 MB.' } })
    await expect(uploadMedia(picture())).rejects.toMatchObject({ error: { code: 'invalid', message: 'This file is not a picture.' } })
    await expect(uploadMedia(picture())).rejects.toMatchObject({ error: { code: 'forbidden' } })
  })

  it('in the desktop app, hands the bytes to the preload bridge as a Uint8Array', async () => {
    const request = vi.fn(() => Promise.resolve({ ok: true, value }))
    window.greenline = { request, on: () => () => undefined } as never
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const { uploadMedia } = await import('../../src/api/client')
    expect(await uploadMedia(picture(), 'crown.jpg')).toEqual(value)
    const [channel, payload] = request.mock.calls[0] as unknown as [string, { bytes: Uint8Array; filename: string }]
    expect(channel).toBe('media:upload')
    expect(payload.bytes).toBeInstanceOf(Uint8Array)
    expect([...payload.bytes]).toEqual([0xff, 0xd8, 0xff, 1, 2, 3])
    expect(payload.filename).toBe('crown.jpg')
    expect(fetch).not.toHaveBeenCalled()
  })
})
