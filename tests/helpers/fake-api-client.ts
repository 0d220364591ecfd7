import { vi } from 'vitest'

/**
 * A stand-in for src/api/client.ts in renderer tests: `call` is a mock, and `emit` plays an
 * engine event to whatever the store subscribed with `onEvent`. Use with
 * `vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())`.
 */
const listeners = new Map<string, Set<(payload: unknown) => void>>()

export const fakeApi = {
  call: vi.fn(),
  listeners,
  /** Read by the fake module's `isDesktop`: true plays the desktop app (preload bridge). */
  desktop: false,
  emit(event: string, payload: unknown) {
    listeners.get(event)?.forEach((listener) => listener(payload))
  },
  /**
   * Answers calls by channel, with a value or a function of the payload. A channel without an
   * answer rejects, so a call the test did not expect shows up as a failure.
   */
  answer(answers: Record<string, unknown>) {
    fakeApi.call.mockImplementation((channel: string, payload: unknown) =>
      // Answered on a later tick, as a real transport would; a throwing answer rejects.
      Promise.resolve().then(() => {
        if (!(channel in answers)) throw new Error(`unexpected call: ${channel}`)
        const answer = answers[channel]
        return typeof answer === 'function' ? (answer as (payload: unknown) => unknown)(payload) : answer
      }),
    )
  },
  /** Between tests: no answers, no calls, no subscribers, the browser host. */
  reset() {
    fakeApi.call.mockReset()
    listeners.clear()
    fakeApi.desktop = false
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
    // Stores see the upload as the channel it ends in; the transport has its own test.
    uploadMedia: (file: Blob, filename?: string) => fakeApi.call('media:upload', { filename, size: file.size }),
    onEvent: (event: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set()
      set.add(listener)
      listeners.set(event, set)
      return () => set.delete(listener)
    },
    preconnect: () => undefined,
    mediaUrl: (id: string) => `/media/${id}`,
    startPictureDrag: () => undefined,
    get isDesktop() {
      return fakeApi.desktop
    },
  }
}
