import { z } from 'zod'
import type { ReplyClassification } from './types'

/** Quick-reply payloads of the opt-in template (API.md); a tap on them always counts. */
export const CONSENT_YES_PAYLOAD = 'CONSENT_YES'
export const CONSENT_NO_PAYLOAD = 'CONSENT_NO'

const keywordList = z.array(z.string().trim().min(1).max(80)).max(500)

/** The reply words, per meaning, that the org policy file may set. Matching ignores case and accents. */
export const consentKeywordsSchema = z
  .object({ affirm: keywordList, decline: keywordList, stop: keywordList, restart: keywordList })
  .strict()

/** What the org policy file may carry: any subset of the lists. */
export const consentKeywordsOverrideSchema = consentKeywordsSchema.partial()

export type ConsentKeywords = z.infer<typeof consentKeywordsSchema>
export type ConsentKeywordsOverride = z.infer<typeof consentKeywordsOverrideSchema>

/**
 * Defaults in English, Spanish, Portuguese, French, German, Italian and Dutch. Written with their
 * accents for readers; matching strips accents, so "nao" matches "não". No word may sit in two
 * lists (a test checks), and words that mean "yes" in one language and something else in another
 * ("fine" is "end" in Italian) are left out.
 */
export const DEFAULT_CONSENT_KEYWORDS: ConsentKeywords = {
  affirm: [
    // en
    'yes',
    'y',
    'yeah',
    'yep',
    'yup',
    'ok',
    'okay',
    'sure',
    'agree',
    'i agree',
    'accept',
    'i accept',
    'yes please',
    // es
    'sí',
    'si',
    'vale',
    'acepto',
    'de acuerdo',
    'claro',
    'sí acepto',
    'si por favor',
    // pt
    'sim',
    'aceito',
    'concordo',
    'eu aceito',
    'eu concordo',
    'claro que sim',
    // fr
    'oui',
    "d'accord",
    "j'accepte",
    'accepter',
    'oui merci',
    // de
    'ja',
    'jawohl',
    'einverstanden',
    'ich stimme zu',
    'akzeptieren',
    'ja bitte',
    // it
    'sì',
    'accetto',
    'va bene',
    "d'accordo",
    'certo',
    // nl
    'akkoord',
    'ik ga akkoord',
    'prima',
    'graag',
  ],
  decline: [
    // en
    'no',
    'n',
    'nope',
    'no thanks',
    'no thank you',
    'decline',
    'i decline',
    "don't agree",
    'i do not agree',
    // es
    'no gracias',
    'no acepto',
    'rechazo',
    // pt
    'não',
    'não obrigado',
    'não obrigada',
    'não aceito',
    'recuso',
    // fr
    'non',
    'non merci',
    'je refuse',
    'refuser',
    // de
    'nein',
    'nein danke',
    'ablehnen',
    'ich lehne ab',
    // it
    'no grazie',
    'non accetto',
    'rifiuto',
    // nl
    'nee',
    'nee bedankt',
    'nee dank je',
    'weigeren',
  ],
  stop: [
    // en
    'stop',
    'stopall',
    'stop all',
    'unsubscribe',
    'cancel',
    'end',
    'quit',
    'opt out',
    'opt-out',
    'optout',
    'remove me',
    'stop messaging me',
    'do not contact me',
    "don't contact me",
    // es
    'baja',
    'darme de baja',
    'dar de baja',
    'parar',
    'detener',
    'cancelar',
    'alto',
    'no me escribas',
    // pt
    'sair',
    'pare',
    'parem',
    'descadastrar',
    'cancelar inscrição',
    // fr
    'arrêter',
    'arrêt',
    'arrête',
    'arrêtez',
    'désabonner',
    'désinscrire',
    'se désabonner',
    // de
    'stopp',
    'abmelden',
    'abbestellen',
    'austragen',
    'beenden',
    'aufhören',
    // it
    'basta',
    'annulla',
    'disiscrivimi',
    'cancellami',
    'rimuovimi',
    // nl
    'stoppen',
    'afmelden',
    'uitschrijven',
    'opzeggen',
  ],
  restart: [
    // en
    'start',
    'unstop',
    'subscribe',
    'resume',
    'restart',
    'opt in',
    'opt-in',
    'optin',
    // es
    'alta',
    'darme de alta',
    'reanudar',
    'suscribir',
    'suscribirme',
    'volver',
    // pt
    'voltar',
    'retomar',
    'assinar',
    'reativar',
    'começar',
    // fr
    'commencer',
    'reprendre',
    "s'abonner",
    'réactiver',
    // de
    'anmelden',
    'fortsetzen',
    'abonnieren',
    'wieder starten',
    // it
    'riprendi',
    'iscrivimi',
    'riattiva',
    'ricomincia',
    // nl
    'aanmelden',
    'hervatten',
    'inschrijven',
    'opnieuw starten',
  ],
}

/**
 * The keywords in force for an org. Affirm, decline and restart lists replace the defaults when
 * given; stop words are only ever added, because an org setting must not stop an opt-out being
 * honoured.
 */
export function resolveConsentKeywords(override: ConsentKeywordsOverride = {}): ConsentKeywords {
  return {
    affirm: override.affirm ?? DEFAULT_CONSENT_KEYWORDS.affirm,
    decline: override.decline ?? DEFAULT_CONSENT_KEYWORDS.decline,
    restart: override.restart ?? DEFAULT_CONSENT_KEYWORDS.restart,
    stop: [...DEFAULT_CONSENT_KEYWORDS.stop, ...(override.stop ?? [])],
  }
}

const DIACRITICS = /\p{M}+/gu
// Punctuation, emoji and whitespace all separate words alike: "No, thanks" matches "no thanks".
const SEPARATORS = /[^\p{L}\p{N}']+/gu
const EDGE_APOSTROPHES = /^'+|'+$/gu
// Typographic apostrophes become ASCII so "d’accord" typed on a phone matches "d'accord".
const APOSTROPHES = /[\u2018\u2019\u02BC`´]/gu

/**
 * Folds a message for keyword matching: accents removed, lower case, and punctuation, emoji and
 * runs of whitespace turned into single spaces ("¡Sí!" → "si", "STOP." → "stop",
 * "No, gracias" → "no gracias"). Apostrophes inside words stay ("d'accord").
 */
export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFD')
    .replace(DIACRITICS, '')
    .replace(APOSTROPHES, "'")
    .toLowerCase()
    .replace(SEPARATORS, ' ')
    .trim()
    .replace(EDGE_APOSTROPHES, '')
    .trim()
}

type KeywordIndex = Map<string, ReplyClassification>

// When an org list puts one word in two meanings, an opt-out wins: it is the safer reading.
const PRECEDENCE: readonly ReplyClassification[] = ['stop', 'decline', 'restart', 'affirm']

const indexCache = new WeakMap<ConsentKeywords, KeywordIndex>()

function indexFor(keywords: ConsentKeywords): KeywordIndex {
  const cached = indexCache.get(keywords)
  if (cached) return cached
  const index: KeywordIndex = new Map()
  for (const meaning of PRECEDENCE) {
    for (const word of keywords[meaning]) {
      const key = normalizeForMatch(word)
      if (key && !index.has(key)) index.set(key, meaning)
    }
  }
  indexCache.set(keywords, index)
  return index
}

/**
 * What a WhatsApp user's reply means for consent. The opt-in template's buttons always count;
 * otherwise the whole message must be a keyword ("stop by the office tomorrow" is not a stop).
 * Returns `null` for anything else, including empty and emoji-only messages.
 */
export function classifyReply(input: { text?: string; buttonPayload?: string }, keywords: ConsentKeywords): ReplyClassification | null {
  if (input.buttonPayload === CONSENT_YES_PAYLOAD) return 'affirm'
  if (input.buttonPayload === CONSENT_NO_PAYLOAD) return 'decline'
  if (input.text === undefined) return null
  const key = normalizeForMatch(input.text)
  if (!key) return null
  return indexFor(keywords).get(key) ?? null
}
