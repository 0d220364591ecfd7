import { vi } from 'vitest'

/**
 * A stand-in for src/api/client.ts in renderer store tests: `call` is a mock, and `emit` plays an
 * engine event to whatever the store subscribed with `onEvent`. Use with
 * `vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())`.
 */
const listeners = new Map<string, Set<(payload: unknown) => void>>()

export const fakeApi = {
  call: vi.fn(),
  listeners,
  emit(event: string, payload: unknown) {
    listeners.get(event)?.forEach((listener) => listener(payload))
  },
}

class ApiRequestError extends Error {
  constructor(readonly error: { code: string; message: string; details?: unknown }) {
    super(error.message)
  }
}

export function fakeClientModule() {
  return {
    ApiRequestError,
    call: fakeApi.call,
    onEvent: (event: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set()
      set.add(listener)
      listeners.set(event, set)
      return () => set.delete(listener)
    },
    mediaUrl: (id: string) => `/media/${id}`,
    startPictureDrag: () => undefined,
    isDesktop: false,
  }
}
