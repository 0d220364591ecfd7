import { englishOf, engineText, type EngineTextCode } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { EngineContext } from '../context'
import type { WhatsAppUserRow } from '../db/repositories/whatsapp-users'
import { applyConsentEvent, type ConsentEvent, type ConsentRecord, type ConsentSnapshot } from '../policy/consent'
import type { ConsentState } from '../policy/types'
import { isWindowOpen } from '../policy/window'
import { holdLane, releaseLane } from './lanes'
import { pickOptInTemplate } from './opt-in-template'
import { addSystemLine } from './system-lines'
import { whatsAppReasonText } from '../whatsapp/errors'

export async function consentSnapshot(ctx: EngineContext, contactId: string): Promise<ConsentSnapshot> {
  return snapshotOf(await ctx.store.whatsappUsers.getWhatsAppUser(contactId))
}

/** The consent part of a WhatsApp user's row. */
export function snapshotOf(row: WhatsAppUserRow): ConsentSnapshot {
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
 * WhatsApp user and records who asked. Run it in the caller's transaction (`ctx.store` is the transaction).
 * @throws ApiFailure conflict when a request is not allowed now (with the reason in words).
 */
export async function requestConsent(ctx: EngineContext, conversationId: string, contactId: string, byUserId: string): Promise<void> {
  // WhatsApp would refuse it: say why instead of sending a request bound to fail.
  const template = await pickOptInTemplate(ctx, contactId)
  if (!template.ok) throw new ApiFailure('conflict', template.problem, { reason: 'template_unusable' })
  const now = ctx.clock.now()
  const messageId = ctx.newId('m_')
  const transition = applyConsentEvent(await consentSnapshot(ctx, contactId), {
    type: 'request',
    at: now,
    byUserId,
    requestMessageId: messageId,
  })
  if ('error' in transition) {
    const name = (await ctx.store.contacts.getContact(contactId))?.name ?? 'This person'
    throw new ApiFailure('conflict', engineText(REQUEST_BLOCKED[transition.reason] ?? 'consent.cannotAsk', { name }), {
      reason: transition.reason,
    })
  }
  const seq = await ctx.store.messages.insertMessage({
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
  await ctx.store.outbox.enqueue({ messageId, lane: contactId, seq, kind: 'template', state: 'ready', dueAt: now })
  await ctx.store.conversations.touchConversation(conversationId, seq, now)
  await persist(ctx, contactId, transition.snapshot, transition.record)
  ctx.changes.message(messageId, conversationId)
  ctx.wakeOutbox()
}

/**
 * The automatic request (a start, or a message typed without consent): sent when the template may
 * be used; otherwise the thread says why, once, and messages typed wait held. Call it with `ctx.store` the caller's transaction.
 */
export async function requestConsentIfUsable(
  ctx: EngineContext,
  conversationId: string,
  contactId: string,
  byUserId: string,
): Promise<void> {
  const template = await pickOptInTemplate(ctx, contactId)
  if (template.ok) return requestConsent(ctx, conversationId, contactId, byUserId)
  const line = `${englishOf(template.problem)} No consent request was sent; messages typed wait until it can be.`
  // Once, not after every message typed: the recent lines already say it.
  const recent = await ctx.store.messages.listMessageRows(conversationId, { limit: 20 })
  if (!recent.some((row) => row.direction === 'system' && row.body === line))
    await addSystemLine(ctx, conversationId, line, { optInBlocked: true }, { code: 'optInBlocked', params: { problem: template.problem } })
}

const SYSTEM_TEXT: Partial<Record<ConsentState, (name: string) => string>> = {
  granted: (name) => `${name} agreed to receive WhatsApp messages`,
  declined: (name) => `${name} declined the opt-in request`,
  revoked: (name) => `${name} opted out of WhatsApp messages`,
  not_on_whatsapp: (name) => `${name} is not on WhatsApp — send an SMS instead`,
}

/**
 * Applies a consent event for one WhatsApp user (not per thread): records it, adds a system line
 * to their open threads, and releases or holds their queued messages. Call it with `ctx.store` the caller's transaction.
 */
export async function applyConsent(
  ctx: EngineContext,
  contactId: string,
  event: Exclude<ConsentEvent, { type: 'request' }>,
): Promise<ConsentState> {
  const before = await consentSnapshot(ctx, contactId)
  const transition = applyConsentEvent(before, event)
  if ('error' in transition) return before.state
  if (transition.changed || transition.record) await persist(ctx, contactId, transition.snapshot, transition.record)
  const state = transition.snapshot.state
  if (!transition.changed) return state
  const contact = await ctx.store.contacts.getContact(contactId)
  const describe = SYSTEM_TEXT[state]
  for (const conversationId of await ctx.store.conversations.openConversationIds(contactId, 'whatsapp')) {
    if (describe)
      await addSystemLine(
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
  if (state === 'granted') await releaseLane(ctx, contactId)
  else if (state === 'revoked' || state === 'declined') await holdLane(ctx, contactId, 'opted_out')
  else if (state === 'not_on_whatsapp') {
    await ctx.store.contacts.updateContactIdentity(contactId, { notOnWhatsApp: true, now })
    await holdLane(ctx, contactId, 'not_on_whatsapp')
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
 * Call it with `ctx.store` the caller's transaction.
 */
export async function optInRequestFailed(
  ctx: EngineContext,
  contactId: string,
  requestMessageId: string,
  reason: string,
  code?: number,
): Promise<void> {
  const before = (await consentSnapshot(ctx, contactId)).state
  const state = await applyConsent(ctx, contactId, { type: 'request_failed', at: ctx.clock.now(), requestMessageId })
  if (before !== 'requested' || state !== 'none') return
  const name = (await ctx.store.contacts.getContact(contactId))?.name ?? 'the contact'
  for (const conversationId of await ctx.store.conversations.openConversationIds(contactId, 'whatsapp')) {
    await addSystemLine(
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
export function userInitiatedWindow(ctx: EngineContext, user: WhatsAppUserRow, now: number): boolean {
  if (ctx.org.consent.requireOptInForUserInitiated) return false
  return user.consent === 'none' && isWindowOpen(user.last_inbound_at ?? undefined, now)
}

/**
 * Records in the consent ledger that the WhatsApp user started the conversation (`user_initiated`,
 * the message as evidence), once per window they open: the basis for replying without an opt-in.
 * Call it with `ctx.store` the caller's transaction, after the inbound message is stored, with the
 * WhatsApp user as read before it (their window then, and their consent, which it does not change).
 */
export async function recordUserInitiated(
  ctx: EngineContext,
  contactId: string,
  evidenceMessageId: string,
  before: { windowWasOpen: boolean; consent: ConsentState },
): Promise<void> {
  if (before.windowWasOpen || before.consent !== 'none') return
  await ctx.store.ledger.appendConsentEvent({ contactId, state: 'none', event: 'user_initiated', at: ctx.clock.now(), evidenceMessageId })
  if (!ctx.org.consent.requireOptInForUserInitiated) await releaseLane(ctx, contactId)
}

async function persist(ctx: EngineContext, contactId: string, snapshot: ConsentSnapshot, record: ConsentRecord | undefined): Promise<void> {
  await ctx.store.whatsappUsers.saveConsent(contactId, {
    state: snapshot.state,
    updatedAt: snapshot.updatedAt,
    lastRequestedAt: snapshot.lastRequestedAt,
  })
  if (record) {
    await ctx.store.ledger.appendConsentEvent({
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
