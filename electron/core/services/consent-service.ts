import { englishOf, engineText, type EngineTextCode } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { EngineContext } from '../context'
import { getContact, updateContactIdentity } from '../db/repositories/contacts'
import { openConversationIds, touchConversation } from '../db/repositories/conversations'
import { appendConsentEvent } from '../db/repositories/ledger'
import { insertMessage, listMessageRows } from '../db/repositories/messages'
import { enqueue } from '../db/repositories/outbox'
import { getWhatsAppUser, saveConsent } from '../db/repositories/whatsapp-users'
import { applyConsentEvent, type ConsentEvent, type ConsentRecord, type ConsentSnapshot } from '../policy/consent'
import type { ConsentState } from '../policy/types'
import { isWindowOpen } from '../policy/window'
import { holdLane, releaseLane } from './lanes'
import { pickOptInTemplate } from './opt-in-template'
import { addSystemLine } from './system-lines'
import { whatsAppReasonText } from '../whatsapp/errors'

export function consentSnapshot(ctx: EngineContext, contactId: string): ConsentSnapshot {
  const row = getWhatsAppUser(ctx.db, contactId)
  return {
    state: row.consent,
    ...(row.last_requested_at !== null ? { lastRequestedAt: row.last_requested_at } : {}),
    ...(row.consent_updated_at !== null ? { updatedAt: row.consent_updated_at } : {}),
  }
}

/** The request as the person reads it: the approved translation's body with its variable filled. */
export function optInText(ctx: EngineContext, body: string | undefined): string {
  const business = businessName(ctx)
  if (body) return body.replace(/\{\{1\}\}/g, business)
  return `Hello! ${business} would like to send you messages on WhatsApp. Reply or tap a button.`
}

export function businessName(ctx: EngineContext): string {
  return ctx.org.whatsapp.businessName ?? ctx.org.name
}

const REQUEST_BLOCKED: Partial<Record<string, EngineTextCode>> = {
  already_granted: 'consent.alreadyGranted',
  opted_out: 'consent.optedOut',
  too_soon: 'consent.tooSoon',
}

/**
 * Queues the opt-in request (the approved template with consent buttons) for the conversation's
 * WhatsApp user and records who asked. Must run inside a transaction with the caller's writes.
 * @throws ApiFailure conflict when a request is not allowed now (with the reason in words).
 */
export function requestConsent(ctx: EngineContext, conversationId: string, contactId: string, byUserId: string): void {
  // WhatsApp would refuse it: say why instead of sending a request bound to fail.
  const template = pickOptInTemplate(ctx, contactId)
  if (!template.ok) throw new ApiFailure('conflict', template.problem, { reason: 'template_unusable' })
  const now = ctx.clock.now()
  const messageId = ctx.newId('m_')
  const transition = applyConsentEvent(consentSnapshot(ctx, contactId), { type: 'request', at: now, byUserId, requestMessageId: messageId })
  if ('error' in transition) {
    const name = getContact(ctx.db, contactId)?.name ?? 'This person'
    throw new ApiFailure('conflict', engineText(REQUEST_BLOCKED[transition.reason] ?? 'consent.cannotAsk', { name }), {
      reason: transition.reason,
    })
  }
  const seq = insertMessage(ctx.db, {
    id: messageId,
    conversationId,
    direction: 'out',
    authorId: byUserId,
    kind: 'template',
    body: optInText(ctx, template.body),
    status: 'queued',
    createdAt: now,
    // The translation chosen now is the one sent, so the thread shows what the person reads.
    extra: { template: 'opt_in', optIn: { name: template.name, language: template.language } },
  })
  enqueue(ctx.db, { messageId, lane: contactId, seq, kind: 'template', state: 'ready', dueAt: now })
  touchConversation(ctx.db, conversationId, seq, now)
  persist(ctx, contactId, transition.snapshot, transition.record)
  ctx.changes.message(messageId, conversationId)
  ctx.wakeOutbox()
}

/**
 * The automatic request (a start, or a message typed without consent): sent when the template may
 * be used; otherwise the thread says why, once, and messages typed wait held. Call inside a transaction.
 */
export function requestConsentIfUsable(ctx: EngineContext, conversationId: string, contactId: string, byUserId: string): void {
  const template = pickOptInTemplate(ctx, contactId)
  if (template.ok) return requestConsent(ctx, conversationId, contactId, byUserId)
  const line = `${englishOf(template.problem)} No consent request was sent; messages typed wait until it can be.`
  // Once, not after every message typed: the recent lines already say it.
  const recent = listMessageRows(ctx.db, conversationId, { limit: 20 })
  if (!recent.some((row) => row.direction === 'system' && row.body === line))
    addSystemLine(ctx, conversationId, line, { optInBlocked: true }, { code: 'optInBlocked', params: { problem: template.problem } })
}

const SYSTEM_TEXT: Partial<Record<ConsentState, (name: string) => string>> = {
  granted: (name) => `${name} agreed to receive WhatsApp messages`,
  declined: (name) => `${name} declined the opt-in request`,
  revoked: (name) => `${name} opted out of WhatsApp messages`,
  not_on_whatsapp: (name) => `${name} is not on WhatsApp — send an SMS instead`,
}

/**
 * Applies a consent event for one WhatsApp user (not per thread): records it, adds a system line
 * to their open threads, and releases or holds their queued messages. Call inside a transaction.
 */
export function applyConsent(ctx: EngineContext, contactId: string, event: Exclude<ConsentEvent, { type: 'request' }>): ConsentState {
  const before = consentSnapshot(ctx, contactId)
  const transition = applyConsentEvent(before, event)
  if ('error' in transition) return before.state
  if (transition.changed || transition.record) persist(ctx, contactId, transition.snapshot, transition.record)
  const state = transition.snapshot.state
  if (!transition.changed) return state
  const contact = getContact(ctx.db, contactId)
  const describe = SYSTEM_TEXT[state]
  for (const conversationId of openConversationIds(ctx.db, contactId, 'whatsapp')) {
    if (describe)
      addSystemLine(
        ctx,
        conversationId,
        describe(contact?.name ?? 'The contact'),
        { consent: state },
        {
          code: `consent_${state}`,
          params: { name: contact?.name ?? 'The contact' },
        },
      )
    else ctx.changes.conversation(conversationId)
  }
  const now = ctx.clock.now()
  if (state === 'granted') releaseLane(ctx, contactId)
  else if (state === 'revoked' || state === 'declined') holdLane(ctx, contactId, 'opted_out')
  else if (state === 'not_on_whatsapp') {
    updateContactIdentity(ctx.db, contactId, { notOnWhatsApp: true, now })
    holdLane(ctx, contactId, 'not_on_whatsapp')
  }
  return state
}

/** True for the opt-in request (the consent template), as opposed to other templates an office user sends. */
export function isOptInRequest(message: { kind: string; extra: string | null } | undefined): boolean {
  if (!message || message.kind !== 'template' || !message.extra) return false
  return (JSON.parse(message.extra) as { template?: unknown }).template === 'opt_in'
}

/**
 * The opt-in request failed for a reason other than "not on WhatsApp" (template missing, paused or
 * disabled, wrong parameters, 131049, 131050, …). Nothing reached the person: consent goes back to
 * `none`, the thread says why, and the request may be sent again as soon as the cause is fixed.
 * Call inside a transaction.
 */
export function optInRequestFailed(ctx: EngineContext, contactId: string, requestMessageId: string, reason: string, code?: number): void {
  const before = consentSnapshot(ctx, contactId).state
  const state = applyConsent(ctx, contactId, { type: 'request_failed', at: ctx.clock.now(), requestMessageId })
  if (before !== 'requested' || state !== 'none') return
  const name = getContact(ctx.db, contactId)?.name ?? 'the contact'
  for (const conversationId of openConversationIds(ctx.db, contactId, 'whatsapp')) {
    addSystemLine(
      ctx,
      conversationId,
      `The consent request did not reach ${name}: ${reason} It can be sent again once this is fixed.`,
      { consent: 'none', requestFailed: requestMessageId },
      { code: 'optInFailed', params: { name, reason: whatsAppReasonText(code, reason) ?? reason } },
    )
  }
}

/**
 * Guest-first: the WhatsApp user wrote first and has no consent record, the window they opened
 * is open, and the org does not require an explicit opt-in: office users reply without a template.
 */
export function userInitiatedWindow(ctx: EngineContext, contactId: string, now: number): boolean {
  if (ctx.org.consent.requireOptInForUserInitiated) return false
  const user = getWhatsAppUser(ctx.db, contactId)
  return user.consent === 'none' && isWindowOpen(user.last_inbound_at ?? undefined, now)
}

/**
 * Records in the consent ledger that the WhatsApp user started the conversation (`user_initiated`,
 * the message as evidence), once per window they open: the basis for replying without an opt-in.
 * Call inside a transaction, after the inbound message is stored.
 */
export function recordUserInitiated(ctx: EngineContext, contactId: string, evidenceMessageId: string, windowWasOpen: boolean): void {
  if (windowWasOpen || getWhatsAppUser(ctx.db, contactId).consent !== 'none') return
  appendConsentEvent(ctx.db, { contactId, state: 'none', event: 'user_initiated', at: ctx.clock.now(), evidenceMessageId })
  if (!ctx.org.consent.requireOptInForUserInitiated) releaseLane(ctx, contactId)
}

function persist(ctx: EngineContext, contactId: string, snapshot: ConsentSnapshot, record: ConsentRecord | undefined): void {
  saveConsent(ctx.db, contactId, { state: snapshot.state, updatedAt: snapshot.updatedAt, lastRequestedAt: snapshot.lastRequestedAt })
  if (record) {
    appendConsentEvent(ctx.db, {
      contactId,
      state: record.state,
      event: record.event,
      at: record.at,
      byUserId: record.byUserId,
      evidenceMessageId: record.evidenceMessageId,
      detail: record.classification ? { classification: record.classification } : undefined,
    })
  }
}
