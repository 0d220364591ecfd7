import type { EngineContext } from '../context'
import type { MediaStore } from '../media/media-store'
import { auditPolicyChange } from './policy-audit'
import { startRetention } from './retention'

/**
 * The compliance work an engine does while running: audits a changed org policy (settings) at
 * start and schedules the daily retention purge. Returns the stop function (await it before the
 * database closes).
 */
export async function startCompliance(ctx: EngineContext, media: MediaStore): Promise<() => Promise<void>> {
  await auditPolicyChange(ctx)
  return startRetention(ctx, media)
}
