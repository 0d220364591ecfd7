import type { LexiconVerdict } from '../../shared/api/contract'
import type { EngineContext } from '../context'

/**
 * Applies the org's lexicon rules to outbound text before it is queued: the first `block` rule
 * that matches wins over any `warn`. Matches are audited (rule name only, never the text).
 */
export async function checkLexicon(ctx: EngineContext, text: string, userId?: string, conversationId?: string): Promise<LexiconVerdict> {
  if (!text) return { action: 'ok' }
  let warning: LexiconVerdict | undefined
  for (const rule of ctx.org.lexicon) {
    if (!new RegExp(rule.pattern, rule.flags).test(text)) continue
    const verdict: LexiconVerdict = { action: rule.action, rule: rule.name, reason: rule.reason }
    if (userId) {
      await ctx.store.ledger.appendAudit({
        at: ctx.clock.now(),
        actorId: userId,
        action: `lexicon.${rule.action}`,
        conversationId,
        detail: { rule: rule.name },
      })
    }
    if (rule.action === 'block') return verdict
    warning ??= verdict
  }
  return warning ?? { action: 'ok' }
}
