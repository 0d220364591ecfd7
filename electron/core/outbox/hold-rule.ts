import type { HoldReason } from '../../shared/domain'
import type { EngineContext } from '../context'
import type * as outbox from '../db/repositories/outbox'
import type { WhatsAppUserRow } from '../db/repositories/whatsapp-users'
import { decideSend } from '../policy/decide'
import type { SendKind } from '../policy/types'

/**
 * When an outbound WhatsApp message must wait, and for which reason, in one place. Three rules:
 * 1. The policy (`decideSend`): consent, opt-out, not on WhatsApp, the 24-hour window.
 * 2. Lane order: a free-form message never overtakes an earlier held free-form message of its
 *    lane; it waits with it, showing the same reason. Templates (the opt-in request) may pass.
 * 3. A lane hold stops every row not already on its way, except that a closed window does not
 *    stop templates (they ignore the window) unless the hold is for the template itself.
 * The 131047 refusal ("window closed" although it looked open) holds for `awaiting_reply`.
 */

/** The reason WhatsApp's 131047 refusal (the window closed after all) holds a lane for. */
export const WINDOW_CLOSED_HOLD: HoldReason = 'awaiting_reply'

/** Rule 1: what the policy says for this WhatsApp user now, or undefined to send. */
export async function policyHold(ctx: EngineContext, lane: string, kind: SendKind, now: number): Promise<HoldReason | undefined> {
  return holdFor(ctx, await ctx.store.whatsappUsers.getWhatsAppUser(lane), kind, now)
}

function holdFor(ctx: EngineContext, user: WhatsAppUserRow, kind: SendKind, now: number): HoldReason | undefined {
  const decision = decideSend({
    kind,
    consent: user.consent,
    lastInboundAt: user.last_inbound_at ?? undefined,
    now,
    userInitiatedAllowed: !ctx.org.consent.requireOptInForUserInitiated,
  })
  return decision.action === 'hold' ? decision.reason : undefined
}

/**
 * Rule 2: the reason of the earliest held free-form message in the lane, which every later
 * free-form message waits behind; undefined when none is held.
 */
export async function laneBlock(ctx: EngineContext, rows: readonly outbox.OutboxRow[]): Promise<HoldReason | undefined> {
  const blocker = rows.find((row) => row.state === 'held' && row.kind !== 'template')
  if (!blocker) return undefined
  return (await ctx.store.messages.getMessageRow(blocker.message_id))?.hold_reason ?? WINDOW_CLOSED_HOLD
}

/**
 * Per lane: the first row not held; a free-form row never overtakes an earlier held one (rule 2), and the ready rows behind it are returned as `blocked` to be held with it.
 * `rows` are the dispatch candidates, in lane and seq order.
 */
export function laneHeads(rows: readonly outbox.OutboxRow[]): { heads: outbox.OutboxRow[]; blocked: outbox.OutboxRow[][] } {
  const heads: outbox.OutboxRow[] = []
  const blocked: outbox.OutboxRow[][] = []
  const byLane = new Map<string, outbox.OutboxRow[]>()
  for (const row of rows) {
    const list = byLane.get(row.lane) ?? []
    list.push(row)
    byLane.set(row.lane, list)
  }
  for (const list of byLane.values()) {
    const firstHeldFreeform = list.find((r) => r.state === 'held')?.seq ?? Infinity
    const head = list.find((r) => r.state !== 'held' && (r.kind === 'template' || r.seq < firstHeldFreeform))
    if (head) heads.push(head)
    else blocked.push(list)
  }
  return { heads: heads.sort((a, b) => a.due_at - b.due_at), blocked }
}

/** Rules 1 and 2 for a new message at the end of its lane: why it must be stored held, if it must. */
export async function holdForNew(ctx: EngineContext, lane: string, kind: SendKind, now: number): Promise<HoldReason | undefined> {
  return (
    (await policyHold(ctx, lane, kind, now)) ??
    (kind === 'freeform' ? await laneBlock(ctx, await ctx.store.outbox.laneRows(lane)) : undefined)
  )
}

/** Rule 3: whether a hold of the whole lane for `reason` stops this row. */
export function holdsRow(
  row: Pick<outbox.OutboxRow, 'state' | 'kind'>,
  reason: HoldReason,
  options: { templatesToo?: boolean } = {},
): boolean {
  if (row.state === 'leased') return false
  return !(row.kind === 'template' && !options.templatesToo && reason === 'awaiting_reply')
}
