// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { createDispatcher, type HandlerTable } from '../../electron/core/dispatcher'
import { twilioError } from '../../electron/core/channels/twilio/errors'
import { mapGraphError, networkError, whatsAppReasonText } from '../../electron/core/whatsapp/errors'
import { ENGINE_TEXTS, engineText, englishOf, storedReasonText, textOfEnglish } from '../../electron/shared/api/engine-text'
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

  it('recognises a sentence that travelled as English only, when it has no values', () => {
    expect(textOfEnglish(ENGINE_TEXTS['teamServer.refusedToken'])).toEqual({ code: 'teamServer.refusedToken' })
    expect(textOfEnglish("That user ID and password don't match.")).toEqual({ code: 'auth.mismatch' })
    expect(textOfEnglish('Ana is already saved as Ana')).toBeUndefined()
    expect(textOfEnglish(undefined)).toBeUndefined()
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

  it('translates every reason the WhatsApp adapter stores: rate limits, templates, transient and generic ones', async () => {
    const { i18n } = await import('../../src/i18n')
    const { engineMessage } = await import('../../src/api/error-text')
    const metaCodes = [
      130429, 131056, 4, 80007, 100, 131008, 131009, 131051, 131053, 131021, 132000, 132001, 132005, 132007, 132012, 132015, 132016, 131000,
      131016, 1, 2, 133004, 131057, 131052, 131060, 130403, 130472, 130497, 131030, 131063, 131064,
      // Codes Meta may add: the generic sentence of their range.
      250, 132999, 999999,
    ]
    const failures = [
      ...metaCodes.map((code) => mapGraphError({ error: { code } })),
      ...[undefined, 500, 429, 401, 404].map((status) => mapGraphError('<html>', status)),
      networkError(Object.assign(new Error('timed out'), { name: 'TimeoutError' })),
      networkError(new TypeError('fetch failed')),
    ]
    i18n.global.locale.value = 'pt-BR'
    for (const failure of failures) {
      const text = storedReasonText(failure.code, failure.reason)
      expect(text, failure.reason).toBeDefined()
      expect(engineMessage(text), failure.reason).not.toBe(failure.reason)
    }
    const busy = mapGraphError({ error: { code: 130429 } })
    expect(engineMessage(storedReasonText(busy.code, busy.reason))).toBe(
      'O WhatsApp está ocupado com mensagens demais deste número agora; ela será enviada em breve.',
    )
  })

  it('translates an SMS provider’s failure on a message, its code included, and keeps the provider’s own words', async () => {
    const { i18n } = await import('../../src/i18n')
    const { engineMessage } = await import('../../src/api/error-text')
    i18n.global.locale.value = 'de'
    const stop = twilioError(21610)
    expect(engineMessage(storedReasonText(21610, stop.reason))).toBe(
      'Diese Person hat auf Ihre SMS mit STOP geantwortet; sie muss START senden, bevor Sie ihr wieder schreiben können.',
    )
    const unknown = twilioError(30410)
    expect(unknown.reason).toBe('The SMS provider could not deliver the message (error 30410).')
    expect(engineMessage(storedReasonText(30410, unknown.reason))).toBe(
      'Der SMS-Anbieter konnte die Nachricht nicht zustellen (Fehler 30410).',
    )
    // The same words stored with another code are not that sentence.
    expect(storedReasonText(30411, unknown.reason)).toBeUndefined()
    expect(engineMessage(storedReasonText(null, ENGINE_TEXTS['sms.notDelivered']))).toBe('Die SMS konnte nicht zugestellt werden.')
    // Twilio's own text for a code Greenline does not know is shown as Twilio wrote it.
    expect(storedReasonText(30410, twilioError(30410, 'Queue full').reason)).toBeUndefined()
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
