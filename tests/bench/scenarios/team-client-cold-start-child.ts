/** Child process of the team-client cold-start scenario: `tsx team-client-cold-start-child.ts <storeDir>`. */
import { report } from '../support/child'

const storeDir = process.argv[2]
if (!storeDir) throw new Error('usage: team-client-cold-start-child.ts <storeDir>')

const t0 = performance.now()
const { TeamClient } = await import('../../../electron/team-client/team-client')
const t1 = performance.now()
// Not started: the conversation list comes from the local store before any network.
const client = new TeamClient({ serverUrl: 'https://greenline.invalid', token: 'unused', userId: 'priya', storeDir })
const conversations = client.conversations()
const t2 = performance.now()
const firstThread = client.messages(conversations[0].id)
const t3 = performance.now()
client.close()
report({ importMs: t1 - t0, coldStartMs: t2 - t1, threadMs: t3 - t2, conversations: conversations.length, messages: firstThread.length })
