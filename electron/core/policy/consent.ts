import type { ConsentState, ReplyClassification } from './types'

/** A no-reply opt-in request may be sent again, and a "not on WhatsApp" result re-checked, after this long. */
export const CONSENT_REQUEST_INTERVAL_MS = 24 * 60 * 60 * 1000

/** Consent for one WhatsApp user, as stored. */
export interface ConsentSnapshot {
  state: ConsentState
  /** When the last opt-in request was sent. */
  lastRequestedAt?: number
  /** When the state last moved or a request was sent. */
  updatedAt?: number
}

export type ConsentEvent =
  | { type: 'request'; at: number; byUserId: string; requestMessageId: string }
  | {
      type: 'reply'
      at: number
      /** From `classifyReply`; `null` for a message that says nothing about consent. */
      classification: ReplyClassification | null
      evidenceMessageId: string
      /**
       * Where a decline came from. A typed "no" while consent is granted is most likely an answer
       * to a question, so it only revokes when it is a tap on the opt-in template's decline button
       * or its origin is unknown (omitted).
       */
      via?: 'button' | 'text'
    }
  /** The opt-in template failed as undeliverable (131026). */
  | { type: 'undeliverable'; at: number; requestMessageId: string }
  /**
   * The opt-in template failed for any other reason (template missing, paused or disabled, wrong
   * parameters, 131049/131050, …): nothing reached the person, so consent goes back to `none`
   * and a new request may go at once (the 24-hour limit counts only requests that got through).
   */
  | { type: 'request_failed'; at: number; requestMessageId: string }
  /** The `user_preferences` webhook for marketing messages. */
  | { type: 'platform_stop' | 'platform_resume'; at: number }

export type ConsentEventType = ConsentEvent['type']

/** One append-only consent history row: the state after the event, and the evidence. */
export interface ConsentRecord {
  state: ConsentState
  event: ConsentEventType
  at: number
  byUserId?: string
  evidenceMessageId?: string
  classification?: ReplyClassification
}

/** `changed` is true only when the state moved; a repeat request updates the snapshot without it. */
export type ConsentTransition =
  { snapshot: ConsentSnapshot; record?: ConsentRecord; changed: boolean } | { error: 'not_allowed'; reason: ConsentRequestBlock }

/** Why an opt-in request may not be sent now. */
export type ConsentRequestBlock = 'already_granted' | 'opted_out' | 'too_soon'

export type ConsentRequestCheck = { ok: true } | { ok: false; reason: ConsentRequestBlock; retryAt?: number }

export const INITIAL_CONSENT: ConsentSnapshot = { state: 'none' }

/**
 * Whether an opt-in request may be sent now. Never to someone who consented or opted out (they
 * opt back in by writing); a request with no reply, or one that found the number not on WhatsApp,
 * may be repeated 24 h after the last one: they may have installed WhatsApp since.
 */
export function canRequestConsent(snapshot: ConsentSnapshot, now: number): ConsentRequestCheck {
  switch (snapshot.state) {
    case 'none':
      return { ok: true }
    case 'granted':
      return { ok: false, reason: 'already_granted' }
    case 'declined':
    case 'revoked':
      return { ok: false, reason: 'opted_out' }
    case 'requested':
    case 'not_on_whatsapp': {
      const since = snapshot.lastRequestedAt ?? snapshot.updatedAt
      if (since === undefined) return { ok: true }
      const retryAt = since + CONSENT_REQUEST_INTERVAL_MS
      return now >= retryAt ? { ok: true } : { ok: false, reason: 'too_soon', retryAt }
    }
  }
}

function unchanged(snapshot: ConsentSnapshot): ConsentTransition {
  return { snapshot, changed: false }
}

function moveTo(snapshot: ConsentSnapshot, state: ConsentState, record: Omit<ConsentRecord, 'state'>): ConsentTransition {
  return {
    snapshot: { ...snapshot, state, updatedAt: record.at },
    record: { state, ...record },
    changed: state !== snapshot.state,
  }
}

function replyTarget(current: ConsentState, event: Extract<ConsentEvent, { type: 'reply' }>): ConsentState | undefined {
  const meaning = event.classification
  // Any opt-out is honoured at once, whatever came before.
  if (meaning === 'stop') return current === 'revoked' ? undefined : 'revoked'
  switch (current) {
    case 'requested':
      if (meaning === 'affirm' || meaning === 'restart') return 'granted'
      if (meaning === 'decline') return 'declined'
      return undefined
    case 'granted':
      return meaning === 'decline' && event.via !== 'text' ? 'revoked' : undefined
    case 'declined':
    case 'revoked':
      return meaning === 'affirm' || meaning === 'restart' ? 'granted' : undefined
    case 'not_on_whatsapp':
      // They wrote to us, so they are on WhatsApp now; consent still has to be asked for.
      return 'none'
    case 'none':
      // A "yes" nobody asked for is not informed consent; only the opt-in request can obtain it.
      return undefined
  }
}

/**
 * Applies one event to one WhatsApp user's consent. Pure: returns the next snapshot, the history
 * row to append (if any), and whether the state moved. A request that `canRequestConsent` refuses
 * returns `{ error: 'not_allowed' }` and changes nothing.
 *
 * Marketing stop/resume from the platform is recorded but leaves consent as it is: it only blocks
 * marketing templates (131050), and Greenline sends utility templates and in-window messages,
 * which the platform still delivers.
 */
export function applyConsentEvent(snapshot: ConsentSnapshot, event: ConsentEvent): ConsentTransition {
  switch (event.type) {
    case 'request': {
      const check = canRequestConsent(snapshot, event.at)
      if (!check.ok) return { error: 'not_allowed', reason: check.reason }
      return moveTo({ ...snapshot, lastRequestedAt: event.at }, 'requested', {
        event: 'request',
        at: event.at,
        byUserId: event.byUserId,
        evidenceMessageId: event.requestMessageId,
      })
    }
    case 'reply': {
      const target = replyTarget(snapshot.state, event)
      if (target === undefined) return unchanged(snapshot)
      return moveTo(snapshot, target, {
        event: 'reply',
        at: event.at,
        evidenceMessageId: event.evidenceMessageId,
        ...(event.classification ? { classification: event.classification } : {}),
      })
    }
    case 'undeliverable':
      // A late failure must not undo an answer the user already gave.
      if (snapshot.state !== 'requested') return unchanged(snapshot)
      return moveTo(snapshot, 'not_on_whatsapp', {
        event: 'undeliverable',
        at: event.at,
        evidenceMessageId: event.requestMessageId,
      })
    case 'request_failed': {
      // Only the request that is still pending can fail it; a late failure never undoes an answer.
      if (snapshot.state !== 'requested') return unchanged(snapshot)
      // `none` may be asked again at once: the failed request reached nobody, so it does not count.
      return moveTo(snapshot, 'none', { event: 'request_failed', at: event.at, evidenceMessageId: event.requestMessageId })
    }
    case 'platform_stop':
    case 'platform_resume':
      return { snapshot, record: { state: snapshot.state, event: event.type, at: event.at }, changed: false }
  }
}
