// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { CAPTION_MAX, pictureStateLabel, usePicturesStore } = await import('../../src/stores/pictures')

/**
 * What a person sees in the preview tray: which files are refused and why, when anything is sent,
 * and in what order. The upload transport is left to the engine tests: uploads are answered by
 * file name, whatever carries the bytes.
 */
/** A file that opens like a JPEG (the tray checks the first bytes when a file is added). */
const JPEG_START = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]
const photo = (name: string) => new File([new Uint8Array([...JPEG_START, 1, 1, 1])], name, { type: 'image/jpeg' })
const PNG_START = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const sized = (name: string, size: number) => {
  const file = photo(name)
  Object.defineProperty(file, 'size', { value: size })
  return file
}

let uploads: string[]
let sends: Array<Record<string, unknown>>
function engine(options: { badFile?: string; offline?: boolean; warnOnce?: boolean } = {}) {
  let warned = false
  api.call.mockImplementation((channel: string, payload: Record<string, unknown>) =>
    Promise.resolve().then(() => {
      if (channel === 'media:upload') {
        const name = String(payload.filename)
        uploads.push(name)
        if (options.offline) throw new ApiRequestError({ code: 'unavailable', message: 'Cannot reach Greenline' })
        if (name === options.badFile) throw new ApiRequestError({ code: 'invalid', message: 'This file is not a picture.' })
        return { mediaId: `media-${name}`, converted: false }
      }
      if (channel === 'messages:send') {
        if (options.warnOnce && !warned && payload.caption) {
          warned = true
          throw new ApiRequestError({ code: 'conflict', message: 'Check before sending: card numbers.', details: { lexicon: 'warn' } })
        }
        sends.push(payload)
        return { id: `m${sends.length}` }
      }
      throw new Error(`unexpected call: ${channel}`)
    }),
  )
}

describe('usePicturesStore', () => {
  beforeEach(() => {
    testingPinia({ stubActions: false })
    api.reset()
    uploads = []
    sends = []
  })

  it('puts picked pictures in the tray ready to send, a pasted one named as such', async () => {
    const store = usePicturesStore()
    expect(await store.add('v1', [photo('beach.jpg'), new Blob([new Uint8Array([...PNG_START, 0, 0])], { type: 'image/png' })])).toBe(2)
    const tray = store.tray('v1')
    expect(tray.pictures.map((p) => [p.name, pictureStateLabel(p.state)])).toEqual([
      ['beach.jpg', 'Ready'],
      ['Pasted picture', 'Ready'],
    ])
    expect(tray.pictures.every((p) => p.previewUrl !== '')).toBe(true)
    // Trays are per conversation.
    expect(store.tray('v2').pictures).toEqual([])
  })

  it('refuses an empty file and one over 50 MB when added; they are not sent and hold nothing up', async () => {
    engine()
    const store = usePicturesStore()
    await store.add('v1', [sized('empty.jpg', 0), sized('huge.jpg', 50 * 1024 * 1024 + 1), photo('fine.jpg')])
    const [empty, huge, fine] = store.tray('v1').pictures
    expect([empty.state, empty.error]).toEqual(['failed', 'This file is empty.'])
    expect([huge.state, huge.error]).toEqual(['failed', 'This file is larger than 50 MB.'])
    expect(fine.state).toBe('ready')
    expect(store.sendable('v1')).toBe(1)

    expect(await store.send('v1')).toBe(true)
    expect(uploads).toEqual(['fine.jpg'])
    expect(sends.map((s) => s.mediaId)).toEqual(['media-fine.jpg'])
  })

  it('marks a file that is not a picture as soon as it is added, without counting it', async () => {
    engine()
    const store = usePicturesStore()
    const notes = new File(['these are my notes'], 'notes.txt', { type: 'text/plain' })
    // A name and a declared type prove nothing: the bytes decide.
    const disguised = new File(['%PDF-1.7 a document'], 'scan.jpg', { type: 'image/jpeg' })
    expect(await store.add('v1', [photo('one.jpg'), notes, disguised, photo('two.jpg')])).toBe(4)
    const states = store.tray('v1').pictures.map((p) => [p.name, pictureStateLabel(p.state), p.error ?? ''])
    expect(states).toEqual([
      ['one.jpg', 'Ready', ''],
      ['notes.txt', 'Not sent', expect.stringContaining('not a picture')],
      ['scan.jpg', 'Not sent', expect.stringContaining('not a picture')],
      ['two.jpg', 'Ready', ''],
    ])
    expect(store.sendable('v1')).toBe(2)
    store.tray('v1').caption = 'Both rooms'
    expect(await store.send('v1')).toBe(true)
    expect(uploads).toEqual(['one.jpg', 'two.jpg'])
    expect(sends.map((s) => [s.mediaId, s.caption])).toEqual([
      ['media-one.jpg', 'Both rooms'],
      ['media-two.jpg', undefined],
    ])
  })

  it('a tray holding only refused files sends nothing and says why', async () => {
    engine()
    const store = usePicturesStore()
    await store.add('v1', [new File(['hello'], 'hello.txt')])
    expect(store.sendable('v1')).toBe(0)
    expect(await store.send('v1')).toBe(false)
    expect(uploads).toEqual([])
    expect(store.tray('v1').error).toBe('Nothing here can be sent. Remove the files marked “Not sent” or add pictures.')
  })

  it('sends every picture in order as its own message, the caption on the first, and empties the tray', async () => {
    engine()
    const store = usePicturesStore()
    await store.add('v1', [photo('one.jpg'), photo('two.jpg'), photo('three.jpg')])
    store.tray('v1').caption = '  The three rooms  '
    expect(await store.send('v1')).toBe(true)
    expect(sends.map((s) => [s.mediaId, s.caption])).toEqual([
      ['media-one.jpg', 'The three rooms'],
      ['media-two.jpg', undefined],
      ['media-three.jpg', undefined],
    ])
    expect(new Set(sends.map((s) => s.clientId)).size).toBe(3)
    expect(store.trays.v1).toBeUndefined()
  })

  it('sends nothing when one file is not a picture; removing it lets the rest go without uploading them again', async () => {
    engine({ badFile: 'notes.jpg' })
    const store = usePicturesStore()
    await store.add('v1', [photo('one.jpg'), photo('notes.jpg'), photo('two.jpg')])
    expect(await store.send('v1')).toBe(false)
    expect(sends).toEqual([])
    const bad = store.tray('v1').pictures[1]
    expect([pictureStateLabel(bad.state), bad.error]).toEqual(['Not sent', 'This file is not a picture.'])
    expect(store.tray('v1').error).toBe('Nothing was sent. Remove the pictures marked “Not sent” and try again.')

    store.remove('v1', bad.key)
    uploads = []
    expect(await store.send('v1')).toBe(true)
    expect(uploads).toEqual([])
    expect(sends.map((s) => s.mediaId)).toEqual(['media-one.jpg', 'media-two.jpg'])
  })

  it('after a lost connection asks to press Send again, and then sends', async () => {
    engine({ offline: true })
    const store = usePicturesStore()
    await store.add('v1', [photo('one.jpg')])
    expect(await store.send('v1')).toBe(false)
    expect(store.tray('v1').error).toBe('Nothing was sent. Press Send to try again.')
    engine()
    expect(await store.send('v1')).toBe(true)
    expect(sends).toHaveLength(1)
  })

  it('refuses a caption over the WhatsApp limit without sending anything', async () => {
    engine()
    const store = usePicturesStore()
    await store.add('v1', [photo('one.jpg')])
    store.tray('v1').caption = 'x'.repeat(CAPTION_MAX + 1)
    expect(await store.send('v1')).toBe(false)
    expect(store.tray('v1').error).toBe(`The caption is longer than ${CAPTION_MAX} characters.`)
    expect(uploads).toEqual([])
  })

  it('a lexicon warning on the caption is shown; Send again confirms it', async () => {
    engine({ warnOnce: true })
    const store = usePicturesStore()
    await store.add('v1', [photo('card.jpg')])
    store.tray('v1').caption = 'card 4111'
    expect(await store.send('v1')).toBe(false)
    expect(store.tray('v1').error).toBe('Check before sending: card numbers. Press Send again to send it anyway.')
    expect(store.tray('v1').pictures[0].state).toBe('prepared')
    expect(await store.send('v1')).toBe(true)
    expect(sends).toEqual([expect.objectContaining({ mediaId: 'media-card.jpg', caption: 'card 4111', confirmWarning: true })])
  })

  it('removing the last picture closes the tray; nothing can be removed while sending', async () => {
    let finishUpload!: () => void
    let uploadStarted!: () => void
    const started = new Promise<void>((resolve) => (uploadStarted = resolve))
    api.call.mockImplementation(async (channel: string) => {
      if (channel === 'media:upload') {
        uploadStarted()
        await new Promise<void>((resolve) => (finishUpload = resolve))
        return { mediaId: 'media-1', converted: false }
      }
      return { id: 'm1' }
    })
    const store = usePicturesStore()
    await store.add('v1', [photo('one.jpg')])
    store.remove('v1', store.tray('v1').pictures[0].key)
    expect(store.trays.v1).toBeUndefined()

    await store.add('v1', [photo('two.jpg')])
    const sending = store.send('v1')
    await started
    store.remove('v1', store.tray('v1').pictures[0].key)
    expect(store.tray('v1').pictures).toHaveLength(1)
    expect(store.tray('v1').busy).toBe(true)
    finishUpload()
    expect(await sending).toBe(true)
  })
})
