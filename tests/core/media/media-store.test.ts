import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMediaStore, isValidMediaId } from '../../../electron/core/media/media-store'
import { verifySha256 } from '../../../electron/core/media/sha256'

let sandbox: string
let root: string

beforeEach(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'greenline-media-'))
  root = join(sandbox, 'media')
})
afterEach(() => rmSync(sandbox, { recursive: true, force: true }))

const HELLO_ID = createHash('sha256').update('hello picture').digest('hex')

describe('media store', () => {
  it('stores bytes under their SHA-256 and reads them back', async () => {
    const store = createMediaStore(root)
    const stored = await store.put(Buffer.from('hello picture'), 'image/jpeg')
    expect(stored).toEqual({ id: HELLO_ID, path: join(root, HELLO_ID.slice(0, 2), HELLO_ID), size: 13, mimeType: 'image/jpeg' })
    expect(readFileSync(stored.path, 'utf8')).toBe('hello picture')
    expect((await store.read(HELLO_ID))?.toString()).toBe('hello picture')
    expect(store.has(HELLO_ID)).toBe(true)
    expect(store.open(HELLO_ID)).toEqual({ id: HELLO_ID, path: stored.path, size: 13 })
  })

  it('storing the same picture twice, even at once, keeps one file and leaves no temp files', async () => {
    const store = createMediaStore(root)
    const results = await Promise.all([1, 2, 3, 4].map(() => store.put(Buffer.from('hello picture'), 'image/jpeg')))
    expect(new Set(results.map((r) => r.id)).size).toBe(1)
    expect(await store.put(Buffer.from('hello picture'), 'image/jpeg')).toEqual(results[0])
    expect(readdirSync(join(root, HELLO_ID.slice(0, 2)))).toEqual([HELLO_ID])
  })

  it('removes a picture, and unknown ids read as nothing', async () => {
    const store = createMediaStore(root)
    const { id } = await store.put(Buffer.from('hello picture'), 'image/png')
    expect(await store.remove(id)).toBe(true)
    expect(await store.remove(id)).toBe(false)
    expect(store.has(id)).toBe(false)
    expect(store.open(id)).toBeNull()
    expect(await store.read(id)).toBeNull()
  })

  it('refuses ids that could reach outside the store, without touching those files', async () => {
    const store = createMediaStore(root)
    await store.put(Buffer.from('hello picture'), 'image/jpeg')
    const victim = join(sandbox, 'victim.txt')
    writeFileSync(victim, 'keep me')
    const hostile = [
      '../victim.txt',
      '../../victim.txt',
      '..%2Fvictim.txt',
      victim,
      '/etc/passwd',
      HELLO_ID.toUpperCase(),
      HELLO_ID.slice(0, 63),
      `${HELLO_ID}0`,
      `${HELLO_ID.slice(0, 2)}/${HELLO_ID}`,
      `${HELLO_ID.slice(0, 63)}\u0000`,
      '',
    ]
    for (const id of hostile) {
      expect(isValidMediaId(id)).toBe(false)
      expect(store.has(id)).toBe(false)
      expect(store.open(id)).toBeNull()
      expect(await store.read(id)).toBeNull()
      expect(await store.remove(id)).toBe(false)
    }
    expect(readFileSync(victim, 'utf8')).toBe('keep me')
    expect(existsSync(join(root, HELLO_ID.slice(0, 2), HELLO_ID))).toBe(true)
    expect(isValidMediaId(HELLO_ID)).toBe(true)
    expect(isValidMediaId(42)).toBe(false)
  })
})

describe('verifySha256', () => {
  const bytes = Buffer.from('hello picture')
  const digest = createHash('sha256').update(bytes).digest()

  it('accepts the digest as hex (any case) or base64, as WhatsApp sends it', () => {
    expect(verifySha256(bytes, digest.toString('hex'))).toBe(true)
    expect(verifySha256(bytes, digest.toString('hex').toUpperCase())).toBe(true)
    expect(verifySha256(bytes, digest.toString('base64'))).toBe(true)
    expect(verifySha256(bytes, digest.toString('base64url'))).toBe(true)
  })

  it('rejects other content and malformed digests', () => {
    expect(verifySha256(Buffer.from('hello pictures'), digest.toString('hex'))).toBe(false)
    expect(verifySha256(bytes, '')).toBe(false)
    expect(verifySha256(bytes, 'not a digest')).toBe(false)
    expect(verifySha256(bytes, digest.toString('hex').slice(0, 62))).toBe(false)
  })
})
