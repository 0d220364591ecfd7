import { t } from '../i18n'
import { onScopeDispose, ref, watch } from 'vue'
import { useRouter } from 'vue-router'
import type { Conversation } from '../../electron/shared/domain'
import { useConversationsStore } from '../stores/conversations'
import { usePreferencesStore } from '../stores/preferences'

const TITLE = 'Greenline'

/** Whether the browser can show notifications and the user has not answered yet. */
export const notificationPermission = ref<NotificationPermission | 'unsupported'>(
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
)

/** Asks once, from a click (browsers ignore requests that no gesture led to). */
export async function askNotificationPermission(): Promise<void> {
  if (typeof Notification === 'undefined') return
  notificationPermission.value = await Notification.requestPermission()
}

let audio: AudioContext | undefined
/** A short soft two-note chime, made here rather than shipped as a sound file. */
function chime(): void {
  try {
    audio ??= new AudioContext()
    const gain = audio.createGain()
    gain.gain.value = 0.08
    gain.connect(audio.destination)
    ;[880, 1320].forEach((frequency, i) => {
      const tone = audio!.createOscillator()
      tone.frequency.value = frequency
      tone.connect(gain)
      tone.start(audio!.currentTime + i * 0.12)
      tone.stop(audio!.currentTime + i * 0.12 + 0.1)
    })
  } catch {
    // No audio device: the other cues remain.
  }
}

/**
 * Unread cues outside the Messages list, for the browser: the count in the page title, and for a
 * new inbound message a notification (click opens the thread) and a sound, unless that thread is
 * already on screen. The desktop app shows its own native notifications, so there only the title
 * changes. The nav badge reads `unreadTotal` itself.
 */
export function useUnreadCues(): void {
  const conversations = useConversationsStore()
  const preferences = usePreferencesStore()
  const router = useRouter()
  const desktop = typeof window !== 'undefined' && window.greenline !== undefined

  // The store tells of an arrival before it applies it, whenever it subscribed (a reload asks for
  // the first page with the sign-in, before this screen exists).
  const stop = conversations.onArrival((conversation) => {
    if (!desktop && !onScreen(conversation.id)) notify(conversation)
  })
  onScopeDispose(() => {
    stop()
    document.title = TITLE
  })
  void conversations.load()

  watch(
    () => conversations.unreadTotal,
    (total) => {
      document.title = total > 0 ? `(${total}) ${TITLE}` : TITLE
    },
    { immediate: true },
  )

  function onScreen(id: string): boolean {
    return document.visibilityState === 'visible' && document.hasFocus() && router.currentRoute.value.params.id === id
  }

  function notify(conversation: Conversation): void {
    if (preferences.sound) chime()
    if (!preferences.notifications || notificationPermission.value !== 'granted') return
    const notification = new Notification(conversation.contactName, {
      body: conversation.lastMessage?.text ?? t('notifications.newMessage'),
      tag: conversation.id,
    })
    notification.onclick = () => {
      window.focus()
      void router.push(`/messages/${conversation.id}`)
      notification.close()
    }
  }
}
