import { onScopeDispose, ref, type Ref } from 'vue'

/**
 * The engine's clock can run ahead of the browser's (the sandbox moves it forward to close the
 * WhatsApp window), and there is no "what time is it" channel. So the renderer learns an offset
 * from timestamps the engine stamps when something happens (a message's createdAt/updatedAt
 * arriving in an event): the server's now is at least that. The offset only grows, so it is a
 * lower bound and never runs ahead of the engine.
 */
let offsetMs = 0
const tick = ref(Date.now())
let timer: ReturnType<typeof setInterval> | undefined
let users = 0

/** Records a timestamp the engine produced "just now" (an event that was published right away). */
export function observeServerTime(serverTime: number | undefined): void {
  if (serverTime === undefined || !Number.isFinite(serverTime)) return
  const candidate = serverTime - Date.now()
  if (candidate > offsetMs) {
    offsetMs = candidate
    tick.value = Date.now()
  }
}

/** The engine's "now" as best known in the renderer. */
export function serverNow(): number {
  return Date.now() + offsetMs
}

/** A reactive server "now" that ticks every `intervalMs` while a component uses it. */
export function useServerNow(intervalMs = 10_000): Ref<number> {
  const now = ref(serverNow())
  users++
  timer ??= setInterval(() => (tick.value = Date.now()), intervalMs)
  const stop = watchTick(() => (now.value = serverNow()))
  onScopeDispose(() => {
    stop()
    users--
    if (users === 0 && timer) {
      clearInterval(timer)
      timer = undefined
    }
  })
  return now
}

const tickListeners = new Set<() => void>()
function watchTick(listener: () => void): () => void {
  tickListeners.add(listener)
  return () => tickListeners.delete(listener)
}
// One watcher on the shared tick fans out to every user.
import { watch } from 'vue'
watch(tick, () => tickListeners.forEach((l) => l()))

/** For tests: forget what was learned. */
export function resetServerClock(): void {
  offsetMs = 0
}
