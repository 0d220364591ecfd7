import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ANA, JPEG, PHONE_ID, PNG, TOKEN, phonePath, startHarness, type Harness } from './harness'
import { messagesOf } from './webhook-receiver'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

async function upload(bytes: Buffer, declaredType: string, token: string | null = TOKEN) {
  const form = new FormData()
  form.append('messaging_product', 'whatsapp')
  form.append('type', declaredType)
  form.append('file', new Blob([new Uint8Array(bytes)], { type: declaredType }), 'photo.bin')
  const response = await fetch(`${h.sandbox.url}/v24.0/${PHONE_ID}/media`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  })
  return { status: response.status, body: await response.json() }
}

const bearer = { authorization: `Bearer ${TOKEN}` }

describe('media', () => {
  it('uploads an image, hands out a 5-minute URL that needs the token, and sends it by id', async () => {
    const uploaded = await upload(PNG, 'image/png')
    expect(uploaded.status).toBe(200)
    const id = uploaded.body.id
    expect(id).toMatch(/^\d+$/)

    const info = await h.graph('GET', `/${id}`)
    expect(info.body).toMatchObject({ messaging_product: 'whatsapp', mime_type: 'image/png', file_size: PNG.length, id })
    expect(info.body.sha256).toMatch(/^[0-9a-f]{64}$/)

    expect((await fetch(info.body.url)).status).toBe(401)
    const download = await fetch(info.body.url, { headers: bearer })
    expect(download.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true)

    h.clock.advance(5 * 60 * 1000 + 1)
    expect((await fetch(info.body.url, { headers: bearer })).status).toBe(404)

    h.sandbox.userWrites(ANA, { text: 'send me the x-ray' })
    const sent = await h.graph('POST', `/${PHONE_ID}/messages`, {
      messaging_product: 'whatsapp',
      to: ANA,
      type: 'image',
      image: { id, caption: 'Your x-ray' },
    })
    expect(sent.status).toBe(200)
    const [delivery] = (await h.control('GET', `/deliveries?phone=${encodeURIComponent(ANA)}&withBytes=1`)).body
    expect(delivery).toMatchObject({ type: 'image', mediaId: id, mimeType: 'image/png', caption: 'Your x-ray' })
    expect(Buffer.from(delivery.bytesBase64, 'base64').equals(PNG)).toBe(true)
    const viaControl = await fetch(`${h.sandbox.url}/sandbox/media/${id}`)
    expect(Buffer.from(await viaControl.arrayBuffer()).equals(PNG)).toBe(true)

    expect((await h.graph('DELETE', `/${id}`)).body).toEqual({ success: true })
    expect((await h.graph('GET', `/${id}`)).body.error.code).toBe(100)
  })

  it('refuses files that are not JPEG/PNG or whose declared type does not match the bytes (131053)', async () => {
    const notAnImage = await upload(Buffer.from('%PDF-1.7 hello'), 'image/png')
    expect([notAnImage.status, notAnImage.body.error.code]).toEqual([400, 131053])
    expect((await upload(PNG, 'image/jpeg')).body.error.code).toBe(131053)
    expect((await upload(JPEG, 'image/gif')).body.error.code).toBe(131053)
    const tooBig = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)])
    expect((await upload(tooBig, 'image/png')).body.error.code).toBe(131053)
    expect((await upload(JPEG, 'image/jpeg')).status).toBe(200)
    expect((await upload(PNG, 'image/png', null)).status).toBe(401)
  })

  it('refuses to send an image id that was never uploaded', async () => {
    h.sandbox.userWrites(ANA, { text: 'hi' })
    const response = await h.graph('POST', `/${PHONE_ID}/messages`, {
      messaging_product: 'whatsapp',
      to: ANA,
      type: 'image',
      image: { id: '999' },
    })
    expect(response.body.error.code).toBe(131009)
  })

  it('delivers a photo from the user as an image webhook whose URL downloads the same bytes', async () => {
    const sent = await h.control('POST', `${phonePath(ANA)}/messages`, {
      imageBase64: JPEG.toString('base64'),
      mimeType: 'image/jpeg',
      caption: 'My tooth',
    })
    expect(sent.status).toBe(201)
    const [hook] = await h.hooks.waitFor((x) => messagesOf(x).some((m) => m.type === 'image'))
    const image = messagesOf(hook)[0].image
    expect(image).toMatchObject({ mime_type: 'image/jpeg', caption: 'My tooth' })
    expect(Buffer.from(image.sha256, 'base64')).toHaveLength(32)
    const download = await fetch(image.url, { headers: bearer })
    expect(Buffer.from(await download.arrayBuffer()).equals(JPEG)).toBe(true)
    const info = await h.graph('GET', `/${image.id}`)
    expect(info.body.mime_type).toBe('image/jpeg')

    const mismatch = await h.control('POST', `${phonePath(ANA)}/messages`, { imageBase64: JPEG.toString('base64'), mimeType: 'image/png' })
    expect(mismatch.status).toBe(400)
  })
})
