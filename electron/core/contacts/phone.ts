import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max'
import { englishOf, engineText, type EngineText } from '../../shared/api/engine-text'

/** A refusal carries its reason in English and as a code (`text`) a window can translate. */
export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string; text: EngineText }

function refuse(text: EngineText): PhoneResult {
  return { ok: false, reason: englishOf(text), text }
}

/**
 * Normalizes a typed number to E.164 ("(415) 555-0101" → "+14155550101"), reading numbers
 * without a country code in `defaultRegion`. WhatsApp needs the '+' and country code: a number
 * sent without them is read in the business number's country and can reach the wrong person.
 */
export function normalizePhone(input: string, defaultRegion: string): PhoneResult {
  const trimmed = input.trim()
  if (trimmed === '') return refuse(engineText('phone.empty'))
  if (/[a-z]/i.test(trimmed.replace(/\b(ext|x)\.?\s*\d+$/i, ''))) {
    return refuse(engineText('phone.notANumber', { phone: trimmed }))
  }
  const international = trimmed.startsWith('00') ? `+${trimmed.slice(2)}` : trimmed
  const parsed = parsePhoneNumberFromString(international, defaultRegion as CountryCode)
  if (!parsed || !parsed.isValid()) {
    return refuse(engineText('phone.invalid', { phone: trimmed, region: defaultRegion }))
  }
  return { ok: true, e164: parsed.number }
}
