import { onScopeDispose, readonly, ref, type Ref } from 'vue'

/**
 * The engine's clock can run ahead of the browser's (the sandbox moves it forward to close the
 * WhatsApp window). The renderer learns the offset from times the engine stamps: a conversation's
 * `asOf` (the engine's now when the view was built; the engine republishes open WhatsApp threads
 * after a clock jump) and message times. The offset only grows, so it stays a lower bound.
 */
let offsetMs = 0
const now = ref(Date.now())
let timer: ReturnType<typeof setInterval> | undefined
let users = 0

/** Records a timestamp the engine produced at the moment of an event. */
export function observeServerTime(serverTime: number | undefined): void {
  if (serverTime === undefined || !Number.isFinite(serverTime)) return
  const candidate = serverTime - Date.now()
  if (candidate > offsetMs) {
    offsetMs = candidate
    now.value = serverNow()
  }
}

/** The engine's "now" as best known in the renderer. */
export function serverNow(): number {
  return Date.now() + offsetMs
}

/** A reactive engine "now" that ticks every `intervalMs` while some component uses it. */
export function useServerNow(intervalMs = 5_000): Readonly<Ref<number>> {
  users++
  timer ??= setInterval(() => (now.value = serverNow()), intervalMs)
  onScopeDispose(() => {
    users--
    if (users === 0 && timer) {
      clearInterval(timer)
      timer = undefined
    }
  })
  return readonly(now)
}

/** For tests: forget what was learned. */
export function resetServerClock(): void {
  offsetMs = 0
  now.value = Date.now()
}
