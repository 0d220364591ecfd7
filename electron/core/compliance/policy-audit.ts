import { createHash } from 'node:crypto'
import { inTransaction, type EngineContext } from '../context'

const STATE_KEY = 'org.policy'

/**
 * Settings live in the org policy file, so a settings change is a different file at start: audited
 * as `settings.changed` with the changed top-level settings and users added or removed (names of
 * settings only, never their values). The first start records `settings.initial`.
 */
export async function auditPolicyChange(ctx: EngineContext): Promise<void> {
  const current = JSON.stringify(ctx.org)
  const previousText = await ctx.store.appState.getState(STATE_KEY)
  if (previousText === current) return
  const sha256 = createHash('sha256').update(current).digest('hex')
  await inTransaction(ctx, async (tx) => {
    if (previousText === undefined) {
      await tx.store.ledger.appendAudit({
        at: ctx.clock.now(),
        action: 'settings.initial',
        detail: { sha256, users: ctx.org.users.map((u) => u.id) },
      })
    } else {
      const previous = JSON.parse(previousText) as Record<string, unknown>
      const now = ctx.org as unknown as Record<string, unknown>
      const keys = [...new Set([...Object.keys(previous), ...Object.keys(now)])].sort()
      const changed = keys.filter((key) => JSON.stringify(previous[key]) !== JSON.stringify(now[key]))
      const ids = (value: unknown) => new Set((Array.isArray(value) ? (value as Array<{ id: string }>) : []).map((u) => u.id))
      const before = ids(previous.users)
      const after = ids(now.users)
      await tx.store.ledger.appendAudit({
        at: ctx.clock.now(),
        action: 'settings.changed',
        detail: {
          sha256,
          changed,
          usersAdded: [...after].filter((id) => !before.has(id)),
          usersRemoved: [...before].filter((id) => !after.has(id)),
        },
      })
    }
    await tx.store.appState.setState(STATE_KEY, current)
  })
}
