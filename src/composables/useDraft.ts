import { ref, watch, type Ref } from 'vue'

const PREFIX = 'greenline.draft.'

export function readDraft(conversationId: string): string {
  try {
    return localStorage.getItem(PREFIX + conversationId) ?? ''
  } catch {
    return ''
  }
}

export function writeDraft(conversationId: string, text: string): void {
  try {
    if (text) localStorage.setItem(PREFIX + conversationId, text)
    else localStorage.removeItem(PREFIX + conversationId)
  } catch {
    // Storage full or unavailable: the draft lives only in memory.
  }
}

/** The composer text for the open thread, saved per thread so it survives a restart. */
export function useDraft(conversationId: Ref<string>): Ref<string> {
  const text = ref(readDraft(conversationId.value))
  watch(conversationId, (id, previous) => {
    if (previous) writeDraft(previous, text.value)
    text.value = readDraft(id)
  })
  watch(text, (value) => writeDraft(conversationId.value, value))
  return text
}
