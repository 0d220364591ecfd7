// A team client in its own process, flushing its outbox; the crash test SIGKILLs it mid-flush.
// argv: serverUrl storeDir userId (token in GREENLINE_TEST_TOKEN). Prints `sent <clientId>`.
import { TeamClient } from '../../electron/team-client/team-client'

const [serverUrl, storeDir, userId] = process.argv.slice(2)
const client = new TeamClient({
  serverUrl: serverUrl,
  storeDir: storeDir,
  userId: userId,
  token: process.env.GREENLINE_TEST_TOKEN ?? '',
})
client.on((event) => {
  if (event.type === 'sent') process.stdout.write(`sent ${event.entry.clientId}\n`)
  if (event.type === 'outbox' && event.waiting === 0) process.stdout.write('empty\n')
})
client.start()
