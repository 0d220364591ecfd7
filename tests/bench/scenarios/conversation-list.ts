import { createEngine } from '../../../electron/core/engine'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import { median } from '../stats'
import { generateMessagesDb } from '../support/db-gen'
import type { Scenario } from '../support/types'

/** The unified list: `conversations:list` for a user who takes part in 10,000 conversations. */
export const conversationList: Scenario = {
  id: 'conversation-list',
  figures: ['conversation_list_ms'],
  async run(ctx) {
    const conversations = 10_000
    const dataDir = ctx.freshDir('conversations')
    const info = generateMessagesDb(dataDir, { conversations, messages: conversations * 3, seed: 77 })
    ctx.log(
      `  ${conversations.toLocaleString('en-US')} conversations (${info.messages.toLocaleString('en-US')} messages) in ${(info.genMs / 1000).toFixed(1)} s`,
    )
    const runs = ctx.quick ? 3 : 7
    const engine = createEngine({ dataDir, org: demoOrgPolicy() })
    try {
      const warm = await engine.dispatch({ userId: 'priya' }, 'conversations:list', {})
      if (!warm.ok) throw new Error(warm.error.message)
      const rows = (warm.value as unknown[]).length
      const times: number[] = []
      for (let i = 0; i < runs; i++) {
        const start = performance.now()
        const result = await engine.dispatch({ userId: 'priya' }, 'conversations:list', {})
        times.push(performance.now() - start)
        if (!result.ok) throw new Error(result.error.message)
      }
      return [
        {
          name: 'conversation_list_ms',
          value: median(times),
          unit: 'ms',
          runs,
          note: `priya takes part in all ${conversations.toLocaleString('en-US')}; the engine returned ${rows.toLocaleString('en-US')} rows (its list limit), after 1 warm-up; runs ${times.map((t) => t.toFixed(0)).join(' / ')} ms`,
        },
      ]
    } finally {
      await engine.close()
    }
  },
}
