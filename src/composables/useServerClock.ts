import { onScopeDispose, readonly, ref, type Ref } from 'vue'

/**
 * The engine's clock can run ahead of the browser's (the sandbox moves it forward to close the
 * WhatsApp window) and there is no "what time is it" channel. So the renderer learns an offset
 * from timestamps the engine stamps as things happen (createdAt/updatedAt of a message arriving in
 * a `messages:changed` event, a conversation's lastActivityAt): the engine's now is at least that.
 * The offset only grows, so it stays a lower bound and never runs ahead of the engine. A clock jump
 * with no activity after it is not seen until the next event (the engine publishes nothing on a
 * jump).
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
