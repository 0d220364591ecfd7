import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { createEngine, type SqliteEngine } from '../../../electron/core/engine'
import { listAudit } from '../../../electron/core/db/repositories/ledger'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import type { EventChannel, EventPayloads, RequestChannel, RequestOf, ValueOf } from '../../../electron/shared/api/contract'
import type { ApiError, ErrorCode, Result } from '../../../electron/shared/api/result'
import { ManualClock } from '../../../electron/shared/clock'
import type { Conversation, Message } from '../../../electron/shared/domain'

export const USERS = ['priya', 'sam', 'alex'] as const
export type UserId = (typeof USERS)[number]

/**
 * An engine on a temporary folder with the demo organization (priya, sam, alex) and no WhatsApp
 * connection: outbound messages stay queued, which is all the group rules need.
 */
export interface GroupEngine {
  engine: SqliteEngine
  clock: ManualClock
  raw<C extends RequestChannel>(userId: string, channel: C, payload: RequestOf<C>): Promise<Result<ValueOf<C>>>
  as(userId: string): <C extends RequestChannel>(channel: C, payload: RequestOf<C>) => Promise<ValueOf<C>>
  /** The request fails with `code`; returns the error. */
  fails(userId: string, channel: RequestChannel, payload: unknown, code: ErrorCode): Promise<ApiError>
  events<E extends EventChannel>(userId: string, event: E): Array<EventPayloads[E]>
  /** Current participants straight from the table. */
  participants(conversationId: string): string[]
  /** System lines of a thread as `userId` reads it, oldest first. */
  systemLines(conversationId: string, userId: string): Promise<string[]>
  /** Audit actions about a conversation, oldest first (the whole log, so ended threads too). */
  audit(conversationId: string): Promise<Array<{ action: string; actorId?: string; detail: Record<string, unknown> }>>
  /** priya's WhatsApp thread with a new contact (no opt-in request sent). */
  thread(name?: string, phone?: string): Promise<Conversation>
  flushed(): Promise<void>
  close(): Promise<void>
}

export async function startGroupEngine(): Promise<GroupEngine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'greenline-groups-'))
  const clock = new ManualClock()
  const engine = createEngine({ dataDir, org: demoOrgPolicy(), clock })
  const received = new Map<string, Array<{ event: EventChannel; payload: unknown }>>()
  for (const userId of USERS) {
    const list: Array<{ event: EventChannel; payload: unknown }> = []
    received.set(userId, list)
    engine.subscribe(userId, (event, payload) => list.push({ event, payload }))
  }
  let contacts = 0

  const raw: GroupEngine['raw'] = (userId, channel, payload) =>
    engine.dispatch({ userId }, channel, payload) as Promise<Result<ValueOf<typeof channel>>>
  const as: GroupEngine['as'] = (userId) => async (channel, payload) => {
    const result = await raw(userId, channel, payload)
    if (!result.ok) throw new Error(`${userId} ${channel}: ${result.error.code} ${result.error.message}`)
    return result.value
  }
  const group: GroupEngine = {
    engine,
    clock,
    raw,
    as,
    async fails(userId, channel, payload, code) {
      const result = await engine.dispatch({ userId }, channel, payload)
      expect(result.ok, `${userId} ${channel} should fail with ${code}`).toBe(false)
      const error = (result as { ok: false; error: ApiError }).error
      expect(error.code, `${userId} ${channel}: ${error.message}`).toBe(code)
      return error
    },
    events: (userId, event) =>
      (received.get(userId) ?? []).filter((e) => e.event === event).map((e) => e.payload as EventPayloads[typeof event]),
    participants: (conversationId) =>
      (
        engine.db
          .prepare('SELECT user_id FROM participants WHERE conversation_id = ? AND left_at IS NULL ORDER BY user_id')
          .all(conversationId) as Array<{ user_id: string }>
      ).map((r) => r.user_id),
    async systemLines(conversationId, userId) {
      const messages: Message[] = await as(userId)('messages:list', { conversationId, limit: 500 })
      return messages
        .slice()
        .sort((a, b) => a.seq - b.seq)
        .filter((m) => m.direction === 'system')
        .map((m) => m.text ?? '')
    },
    // The whole organization's log (what a compliance officer reads), not one user's view of it.
    async audit(conversationId) {
      return listAudit(engine.db, { conversationId, limit: 1000 })
        .sort((a, b) => a.seq - b.seq)
        .map((row) => ({
          action: row.action,
          ...(row.actor_id ? { actorId: row.actor_id } : {}),
          detail: JSON.parse(row.detail) as Record<string, unknown>,
        }))
    },
    async thread(name = 'Ana Souza', phone) {
      contacts += 1
      const contact = await as('priya')('contacts:create', { name, phone: phone ?? `+1415555${String(1000 + contacts).padStart(4, '0')}` })
      return as('priya')('conversations:start', { contactId: contact.id, channel: 'whatsapp', requestConsent: false })
    },
    flushed: () => engine.ctx.changes.flushed(),
    async close() {
      await engine.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return group
}
