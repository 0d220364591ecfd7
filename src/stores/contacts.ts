import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Channel, Contact, Conversation, ImportSummary } from '../../electron/shared/domain'
import type { ApiError } from '../../electron/shared/api/result'
import { ApiRequestError, call, onEvent } from '../api/client'
import { t } from '../i18n'

export interface ContactDraft {
  name: string
  phone?: string
  company?: string
  email?: string
  language?: string
}

/** A save either returns the stored contact or the engine's reason, for the form to show inline. */
export type SaveOutcome = { ok: true; contact: Contact } | { ok: false; error: ApiError }

export type ImportFormat = 'csv' | 'vcard'

function toApiError(e: unknown): ApiError {
  if (e instanceof ApiRequestError) return e.error
  return { code: 'internal', message: (e as Error).message || t('errors.generic') }
}

/** Empty strings mean "no value": the engine treats absent and blank alike, but absent is clearer. */
function cleanDraft(draft: ContactDraft): ContactDraft {
  const optional = (value?: string) => (value && value.trim() !== '' ? value.trim() : undefined)
  return {
    name: draft.name.trim(),
    phone: optional(draft.phone),
    company: optional(draft.company),
    email: optional(draft.email),
    language: optional(draft.language),
  }
}

/** Whether an updated contact belongs in a list filtered by `query` (approximates the engine's search). */
export function matchesQuery(contact: Contact, query: string): boolean {
  const q = query.trim().toLowerCase()
  if (q === '') return true
  const haystack = [contact.name, contact.company ?? '', contact.email ?? ''].join(' ').toLowerCase()
  if (haystack.includes(q)) return true
  const digits = q.replace(/\D/g, '')
  return digits.length >= 3 && (contact.phone ?? '').includes(digits)
}

const byName = (a: Contact, b: Contact) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' })

/** Guesses the import format from the file name, falling back to the content. */
export function importFormatFor(fileName: string, text: string): ImportFormat {
  if (/\.(vcf|vcard)$/i.test(fileName)) return 'vcard'
  if (/\.csv$/i.test(fileName)) return 'csv'
  return /^\s*BEGIN:VCARD/im.test(text) ? 'vcard' : 'csv'
}

/**
 * Owns the contacts the renderer shows: the searched list, the contacts opened in full, and the
 * state of an import. The only place in the renderer that calls the contacts API.
 */
export const useContactsStore = defineStore('contacts', () => {
  const list = ref<Contact[]>([])
  const query = ref('')
  const loading = ref(false)
  const loaded = ref(false)
  const listError = ref<string>()
  /** Contacts opened on their details page, by id; `null` means deleted or missing. */
  const details = ref<Record<string, Contact | null>>({})

  const importing = ref(false)
  const importProgress = ref<{ done: number; total: number }>()
  const importSummary = ref<ImportSummary>()
  const importError = ref<string>()
  const importPercent = computed(() => {
    const progress = importProgress.value
    if (!progress) return 0
    return progress.total === 0 ? 100 : Math.round((progress.done / progress.total) * 100)
  })

  let listRequest = 0
  let unsubscribe: Array<() => void> | undefined

  function upsert(contact: Contact): void {
    if (contact.id in details.value) details.value[contact.id] = contact
    const index = list.value.findIndex((c) => c.id === contact.id)
    const belongs = matchesQuery(contact, query.value)
    if (index >= 0 && belongs) list.value.splice(index, 1, contact)
    else if (index >= 0) list.value.splice(index, 1)
    else if (belongs && loaded.value) list.value = [...list.value, contact].sort(byName)
  }

  function forget(id: string): void {
    list.value = list.value.filter((c) => c.id !== id)
    if (id in details.value) details.value[id] = null
  }

  /** Starts following the engine's contact events; idempotent. */
  function subscribe(): void {
    if (unsubscribe) return
    unsubscribe = [
      onEvent('contacts:changed', upsert),
      onEvent('contacts:removed', ({ id }) => forget(id)),
      onEvent('contacts:importProgress', (progress) => {
        if (importing.value) importProgress.value = progress
      }),
    ]
  }

  /** Loads the list for `text`; answers that arrive after a newer search are dropped. */
  async function search(text: string = query.value): Promise<void> {
    subscribe()
    query.value = text
    const request = ++listRequest
    loading.value = true
    try {
      const contacts = await call('contacts:list', text.trim() ? { query: text.trim() } : {})
      if (request !== listRequest) return
      list.value = contacts
      loaded.value = true
      listError.value = undefined
    } catch (e) {
      if (request === listRequest) listError.value = toApiError(e).message
    } finally {
      if (request === listRequest) loading.value = false
    }
  }

  /** Fetches one contact for its details page; resolves with undefined and a reason when missing. */
  async function open(id: string): Promise<{ contact?: Contact; error?: ApiError }> {
    subscribe()
    try {
      const contact = await call('contacts:get', { id })
      details.value[id] = contact
      return { contact }
    } catch (e) {
      const error = toApiError(e)
      if (error.code === 'not_found') details.value[id] = null
      return { error }
    }
  }

  async function create(draft: ContactDraft): Promise<SaveOutcome> {
    try {
      const contact = await call('contacts:create', cleanDraft(draft))
      upsert(contact)
      return { ok: true, contact }
    } catch (e) {
      return { ok: false, error: toApiError(e) }
    }
  }

  async function update(id: string, draft: ContactDraft): Promise<SaveOutcome> {
    try {
      const contact = await call('contacts:update', { id, ...cleanDraft(draft) })
      details.value[id] = contact
      upsert(contact)
      return { ok: true, contact }
    } catch (e) {
      return { ok: false, error: toApiError(e) }
    }
  }

  /** Deletes a contact; resolves with the reason when the engine refuses. */
  async function remove(id: string): Promise<ApiError | undefined> {
    try {
      await call('contacts:delete', { id })
      forget(id)
      return undefined
    } catch (e) {
      return toApiError(e)
    }
  }

  /** Imports a file's text; progress comes from `contacts:importProgress`, then the summary. */
  async function importText(format: ImportFormat, text: string): Promise<void> {
    subscribe()
    importing.value = true
    importProgress.value = { done: 0, total: 0 }
    importSummary.value = undefined
    importError.value = undefined
    try {
      const summary = await call('contacts:import', { format, text })
      const total = importProgress.value?.total || summary.imported + summary.skipped.length
      importProgress.value = { done: total, total }
      importSummary.value = summary
      // Imported contacts do not arrive one by one as events: reload what the list shows.
      await search(query.value)
    } catch (e) {
      importError.value = toApiError(e).message
      importProgress.value = undefined
    } finally {
      importing.value = false
    }
  }

  function resetImport(): void {
    if (importing.value) return
    importProgress.value = undefined
    importSummary.value = undefined
    importError.value = undefined
  }

  /**
   * Opens (or reuses) a conversation with a contact. A WhatsApp start does not send the opt-in
   * request: the composer asks the user first.
   */
  async function startConversation(
    contactId: string,
    channel: Exclude<Channel, 'voicemail'>,
  ): Promise<{ conversation?: Conversation; error?: ApiError }> {
    try {
      const conversation = await call(
        'conversations:start',
        channel === 'whatsapp' ? { contactId, channel, requestConsent: false } : { contactId, channel },
      )
      return { conversation }
    } catch (e) {
      return { error: toApiError(e) }
    }
  }

  return {
    list,
    query,
    loading,
    loaded,
    listError,
    details,
    importing,
    importProgress,
    importPercent,
    importSummary,
    importError,
    subscribe,
    search,
    open,
    create,
    update,
    remove,
    importText,
    resetImport,
    startConversation,
  }
})
