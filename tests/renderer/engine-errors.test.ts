// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { createDispatcher, type HandlerTable } from '../../electron/core/dispatcher'
import { whatsAppReasonText } from '../../electron/core/whatsapp/errors'
import { ENGINE_TEXTS, engineText, englishOf } from '../../electron/shared/api/engine-text'
import { ApiFailure, type Result } from '../../electron/shared/api/result'
import de from '../../src/i18n/locales/de.json'
import en from '../../src/i18n/locales/en.json'
import es from '../../src/i18n/locales/es.json'
import fr from '../../src/i18n/locales/fr.json'
import ptBR from '../../src/i18n/locales/pt-BR.json'

/**
 * The engine ends a request with a code and its values (error.text); the window writes it in the
 * user's language from errors.<code>, and keeps the engine's English for a code it does not know.
 */
const LOCALES: Record<string, unknown> = { en, es, 'pt-BR': ptBR, fr, de }

function lookup(messages: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages)
}

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort()

/** The engine's real answer: a handler throws, the dispatcher turns it into data, as it crosses IPC or the socket. */
async function engineAnswer(failure: ApiFailure): Promise<Result<unknown>> {
  const dispatch = createDispatcher({
    'contacts:create': () => {
      throw failure
    },
  } as unknown as HandlerTable)
  return dispatch({ userId: 'priya' }, 'contacts:create', { name: 'Ana', phone: '+14155550101' })
}

describe('engine texts in every language', () => {
  it('has errors.<code> for each engine code in every shipped language, with the same {values}', () => {
    for (const [code, english] of Object.entries(ENGINE_TEXTS)) {
      for (const [locale, messages] of Object.entries(LOCALES)) {
        const text = lookup(messages, `errors.${code}`)
        expect(typeof text, `${locale}: errors.${code}`).toBe('string')
        expect(placeholders(text as string), `${locale}: errors.${code}`).toEqual(placeholders(english))
      }
      expect(lookup(en, `errors.${code}`)).toBe(english)
    }
  })

  it('crosses the boundary as English plus code and values', async () => {
    const result = await engineAnswer(new ApiFailure('conflict', engineText('contact.phoneTaken', { phone: '+14155550101', name: 'Ana' })))
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'conflict',
        message: '+14155550101 is already saved as Ana',
        text: { code: 'contact.phoneTaken', params: { phone: '+14155550101', name: 'Ana' } },
      },
    })
  })

  it('writes a value left out of the English as it was', () => {
    expect(englishOf({ code: 'contact.phoneTaken', params: { phone: '+1' } })).toBe('+1 is already saved as {name}')
  })
})

describe('readableError', () => {
  afterEach(async () => {
    const { i18n } = await import('../../src/i18n')
    i18n.global.locale.value = 'en'
  })

  it('shows the failure in the user’s language, and the English for a code this version does not know', async () => {
    const { i18n } = await import('../../src/i18n')
    const { readableError } = await import('../../src/api/error-text')
    const { error } = (await engineAnswer(
      new ApiFailure('conflict', engineText('contact.phoneTaken', { phone: '+14155550101', name: 'Ana' })),
    )) as {
      error: Parameters<typeof readableError>[0]
    }
    i18n.global.locale.value = 'es'
    expect(readableError(error).message).toBe('+14155550101 ya está guardado como Ana')
    i18n.global.locale.value = 'de'
    expect(readableError(error).message).toBe('+14155550101 ist bereits als Ana gespeichert')
    // A newer server's code: the English it sent.
    const newer = { code: 'conflict' as const, message: 'Ana is on holiday', text: { code: 'contact.onHoliday', params: { name: 'Ana' } } }
    expect(readableError(newer).message).toBe('Ana is on holiday')
    // An older server sends no code at all.
    expect(readableError({ code: 'conflict', message: 'Ana is busy' }).message).toBe('Ana is busy')
  })

  it('translates a stored WhatsApp failure only while its words are still that code’s', async () => {
    const { i18n } = await import('../../src/i18n')
    const { engineMessage } = await import('../../src/api/error-text')
    const text = whatsAppReasonText(190, ENGINE_TEXTS['whatsapp.tokenExpired'])
    expect(text).toEqual({ code: 'whatsapp.tokenExpired' })
    i18n.global.locale.value = 'es'
    expect(engineMessage(text)).toBe('El token de acceso de WhatsApp ha caducado. Un administrador debe renovarlo.')
    // Words an older version stored, or an SMS provider's code: shown as stored.
    expect(whatsAppReasonText(190, 'The token is old.')).toBeUndefined()
    expect(whatsAppReasonText(21610, 'Blocked by the carrier')).toBeUndefined()
  })

  it('writes a WhatsApp reason inside "Not sent: …" in the user’s language, and in English for logs', async () => {
    const { i18n } = await import('../../src/i18n')
    const { readableError } = await import('../../src/api/error-text')
    const reason = whatsAppReasonText(368, ENGINE_TEXTS['whatsapp.accountRestricted'])!
    const failure = new ApiFailure('conflict', engineText('message.notSent', { reason }))
    expect(failure.message).toBe('Not sent: The WhatsApp business account is restricted for a policy violation.')
    const { error } = (await engineAnswer(failure)) as { error: Parameters<typeof readableError>[0] }
    i18n.global.locale.value = 'de'
    expect(readableError(error).message).toBe(
      'Nicht gesendet: Das WhatsApp-Unternehmenskonto ist wegen eines Richtlinienverstoßes eingeschränkt.',
    )
  })

  it('translates a reason that is itself an engine sentence, as an opt-in blocked line stores it', async () => {
    const { i18n } = await import('../../src/i18n')
    const { systemLineText } = await import('../../src/composables/useMessageFormat')
    const line = {
      text: 'The consent request template is paused by WhatsApp — ask your admin. No consent request was sent; messages typed wait until it can be.',
      extra: { line: { code: 'optInBlocked', params: { problem: { code: 'optIn.templatePaused' } } } },
    }
    i18n.global.locale.value = 'fr'
    expect(systemLineText(line)).toBe(
      'Le modèle de demande de consentement est mis en pause par WhatsApp — voyez avec votre administrateur. Aucune demande de consentement n’a été envoyée ; les messages écrits attendent qu’elle puisse l’être.',
    )
    const unknown = { ...line, extra: { line: { code: 'optInBlocked', params: { problem: { code: 'optIn.somethingNew' } } } } }
    expect(systemLineText(unknown)).toBe(line.text)
  })
})

describe('the contact form with a real engine failure', () => {
  beforeEach(() => vi.resetModules())
  afterEach(() => {
    delete (window as { greenline?: unknown }).greenline
  })

  async function saveDuplicate(locale: string, failure: ApiFailure) {
    const answer = await engineAnswer(failure)
    window.greenline = { request: vi.fn(() => Promise.resolve(answer)), on: () => () => undefined } as never
    const { i18n, loadLocale } = await import('../../src/i18n')
    await loadLocale(locale as 'es')
    i18n.global.locale.value = locale as 'es'
    const { default: ContactFormDialog } = await import('../../src/components/contacts/ContactFormDialog.vue')
    const pinia = createPinia()
    setActivePinia(pinia)
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] })
    const wrapper = mount(ContactFormDialog, { global: { plugins: [pinia, router] }, attachTo: document.body })
    await wrapper.get('[data-testid="contact-form-name"]').setValue('Ana')
    await wrapper.get('[data-testid="contact-form-phone"]').setValue('+14155550101')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    return wrapper
  }

  it('says in Spanish, beside the number, that the number is already saved', async () => {
    const wrapper = await saveDuplicate(
      'es',
      new ApiFailure('conflict', engineText('contact.phoneTaken', { phone: '+14155550101', name: 'Ana Souza' }), { contactId: 'c1' }),
    )
    expect(wrapper.get('[data-testid="contact-form-error"]').text()).toContain('+14155550101 ya está guardado como Ana Souza')
    expect(wrapper.get('[data-testid="contact-form-phone"]').attributes('aria-invalid')).toBe('true')
    wrapper.unmount()
  })

  it('puts a refused number beside the number field in any language, by its code', async () => {
    const wrapper = await saveDuplicate('pt-BR', new ApiFailure('invalid', engineText('phone.notANumber', { phone: 'abc' })))
    expect(wrapper.get('[data-testid="contact-form-error"]').text()).toBe('"abc" não é um número de telefone')
    expect(wrapper.get('[data-testid="contact-form-phone"]').attributes('aria-invalid')).toBe('true')
    wrapper.unmount()
  })
})
