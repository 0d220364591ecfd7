import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Message, MessageTemplate, OptInTemplateView } from '../../electron/shared/domain'
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

  /** The template that asks for consent, and the admin's choice of it (`templates:optIn` / `templates:setOptIn`). */
  const optIn = ref<OptInTemplateView>()
  const optInError = ref<string>()

  async function loadOptIn(): Promise<void> {
    optInError.value = undefined
    try {
      optIn.value = await call('templates:optIn', {})
    } catch (e) {
      optInError.value = errorText(e)
    }
  }

  /** True once saved; otherwise `optInError` says why (not an admin, an unfit template). */
  async function chooseOptIn(name: string): Promise<boolean> {
    optInError.value = undefined
    try {
      optIn.value = await call('templates:setOptIn', { name })
      return true
    } catch (e) {
      optInError.value = errorText(e)
      return false
    }
  }

  return { all, approved, loading, error, load, send, optIn, optInError, loadOptIn, chooseOptIn }
})
