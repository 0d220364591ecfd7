import type { WhatsAppClient } from './client'

/**
 * A client that forwards every call to the current one: the engine's services keep one reference
 * while an admin's new credentials replace the client underneath (sends already under way finish
 * on the client they started with). A Proxy, so every method the client grows is forwarded too.
 */
export function switchableClient(initial: WhatsAppClient): { client: WhatsAppClient; replace(next: WhatsAppClient): void } {
  let current = initial
  const client = new Proxy(initial, {
    get(_target, key) {
      const value: unknown = Reflect.get(current, key)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value
    },
  })
  return {
    client,
    replace(next) {
      current = next
    },
  }
}
