import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Message, MessageTemplate } from '../../electron/shared/domain'
import { ApiRequestError, call } from '../api/client'
import { t } from '../i18n'

const errorText = (e: unknown) => (e instanceof ApiRequestError ? e.message : t('errors.tryAgain'))

/** The business account's approved templates, and sending one (`templates:send`). */
export const useTemplatesStore = defineStore('templates', () => {
  /** Every template of the account with its state (admins see them all). */
  const all = ref<MessageTemplate[]>([])
  const approved = computed(() => all.value.filter((t) => t.status === 'APPROVED' && t.body))
  const loading = ref(false)
  const error = ref<string>()

  async function load(): Promise<void> {
    loading.value = true
    error.value = undefined
    try {
      all.value = await call('templates:list', {})
    } catch (e) {
      error.value = errorText(e)
    } finally {
      loading.value = false
    }
  }

  /** Resolves the message, or the reason WhatsApp or the policy refused it, as text. */
  async function send(conversationId: string, template: MessageTemplate, params: string[]): Promise<Message | string> {
    try {
      return await call('templates:send', { conversationId, name: template.name, language: template.language, params })
    } catch (e) {
      return errorText(e)
    }
  }

  return { all, approved, loading, error, load, send }
})
