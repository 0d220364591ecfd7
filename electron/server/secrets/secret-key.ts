import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export class SecretKeyError extends Error {}

/**
 * The key that encrypts the server's stored secrets (the connector's access token and app secret):
 * `GREENLINE_SECRET_KEY` (any string of 32+ characters), else the file `GREENLINE_SECRET_KEY_FILE`,
 * else `secret.key` in the data directory, created on first start readable only by its owner.
 * Keep it out of database backups: a stolen database alone then reveals no secret.
 */
export function loadSecretKey(dataDir: string, env: NodeJS.ProcessEnv): Buffer {
  const given = env.GREENLINE_SECRET_KEY
  if (given !== undefined && given !== '') {
    if (given.length < 32) throw new SecretKeyError('GREENLINE_SECRET_KEY must be at least 32 characters (e.g. `openssl rand -base64 32`)')
    return derive(given)
  }
  const file = env.GREENLINE_SECRET_KEY_FILE || join(dataDir, 'secret.key')
  if (!existsSync(file)) {
    if (env.GREENLINE_SECRET_KEY_FILE) throw new SecretKeyError(`GREENLINE_SECRET_KEY_FILE ${file} does not exist`)
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  }
  const text = readFileSync(file, 'utf8').trim()
  if (text.length < 32) throw new SecretKeyError(`The secret key in ${file} is shorter than 32 characters`)
  return derive(text)
}

// The configured text becomes a 256-bit AES key; a domain label keeps it from doubling as anything else.
const derive = (text: string) => createHash('sha256').update('greenline-secret-key-v1\0').update(text).digest()

/** AES-256-GCM: `v1.` + base64(iv ‖ tag ‖ ciphertext). Tampering or the wrong key fails `unseal`. */
export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
}

export function unseal(key: Buffer, sealed: string): string {
  if (!sealed.startsWith('v1.')) throw new SecretKeyError('Not a sealed value')
  const raw = Buffer.from(sealed.slice(3), 'base64')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(12, 28))
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
  } catch {
    throw new SecretKeyError(
      'The stored connector settings cannot be decrypted: the secret key is not the one they were saved with (GREENLINE_SECRET_KEY or secret.key)',
    )
  }
}
