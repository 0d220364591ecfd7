import { fileURLToPath } from 'node:url'
import type { Conversation, Message } from '../../../electron/shared/domain'
import { bindUser, openLocalStore, upsertConversations, upsertMessages } from '../../../electron/team-client/local-store'
import { median } from '../stats'
import { runChild } from '../support/child'
import type { Scenario } from '../support/types'

const CHILD = fileURLToPath(new URL('./team-client-cold-start-child.ts', import.meta.url))
const CONVERSATIONS = 500
const PER_THREAD = 200

interface ChildResult {
  importMs: number
  coldStartMs: number
  threadMs: number
  conversations: number
  messages: number
}

/** A local store as a busy user's desktop holds it: 500 threads, each with its 200-message window (100,000). */
function fillStore(dir: string): void {
  const db = openLocalStore(dir)
  bindUser(db, 'priya')
  let seq = 0
  db.transaction(() => {
    for (let c = 0; c < CONVERSATIONS; c++) {
      const id = `c_${c}`
      const at = 1_700_000_000_000 + c * 60_000
      const conversation: Conversation = {
        id,
        contactId: `k_${c}`,
        contactName: `Guest ${c}`,
        channel: 'whatsapp',
        state: 'active',
        consent: 'granted',
        participants: [{ userId: 'priya', name: 'Priya Shah' }] as Conversation['participants'],
        unread: c % 3,
        lastMessage: { text: 'See you tomorrow at nine', direction: 'in', at },
        lastActivityAt: at,
        createdAt: at,
        asOf: at,
      }
      upsertConversations(db, [conversation])
      const messages: Message[] = []
      for (let m = 0; m < PER_THREAD; m++) {
        messages.push({
          id: `m_${c}_${m}`,
          seq: ++seq,
          conversationId: id,
          direction: m % 2 ? 'in' : 'out',
          kind: 'text',
          text: `Message ${m} about the order for table ${c}, delivery window and invoice`,
          status: m % 2 ? 'received' : 'delivered',
          createdAt: at - (PER_THREAD - m) * 1000,
          updatedAt: at,
        })
      }
      upsertMessages(db, messages)
    }
  })()
  db.close()
}

/**
 * Team-client cold start: a fresh process opens the desktop's local store (100,000 messages) and
 * reads the conversation list, as the app does before the network is up. Module loading is
 * reported apart.
 */
export const teamClientColdStart: Scenario = {
  id: 'team-client-cold-start',
  figures: ['team_client_cold_start_ms'],
  async run(ctx) {
    const dir = ctx.freshDir('team-client-store')
    fillStore(dir)
    const runs = 3
    const results: ChildResult[] = []
    await runChild<ChildResult>(CHILD, [dir]) // warms tsx's transform cache, not measured
    for (let i = 0; i < runs; i++) {
      const result = await runChild<ChildResult>(CHILD, [dir])
      results.push(result)
      ctx.log(`  run ${i + 1}: store open + conversation list ${result.coldStartMs.toFixed(1)} ms (${result.conversations} conversations)`)
    }
    const pick = (key: keyof ChildResult) => median(results.map((r) => r[key]))
    return [
      {
        name: 'team_client_cold_start_ms',
        value: pick('coldStartMs'),
        unit: 'ms',
        runs,
        note: `fresh process per run; local store of ${(CONVERSATIONS * PER_THREAD).toLocaleString('en-US')} messages / ${CONVERSATIONS} threads; open + conversation list (median); first thread ${pick('threadMs').toFixed(1)} ms; not included: module import via tsx ${pick('importMs').toFixed(0)} ms`,
      },
    ]
  },
}
