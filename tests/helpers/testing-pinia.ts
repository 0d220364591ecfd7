import { createTestingPinia, type TestingOptions, type TestingPinia } from '@pinia/testing'
import { vi } from 'vitest'

/**
 * `createTestingPinia` for Vitest without globals: actions are `vi.fn` spies. Store tests pass
 * `{ stubActions: false }` so the real actions run against the fake API client; component tests
 * keep the default (actions stubbed) and set the state they need with `initialState`.
 */
export function testingPinia(options: TestingOptions = {}): TestingPinia {
  return createTestingPinia({ createSpy: vi.fn, ...options })
}
