// Preloaded into the electronegativity scanner (scan-electron.mjs). Offline, its HTTP client
// (got 11) fails the translation and release look-ups as expected, and the scanner handles
// those failures; but on Node 22+ got's retry timer then fires on the settled request
// (sindresorhus/got#1489) and throws its onCancel error or the network error a second time,
// uncaught, which kills the scan. Those late throws carry nothing new, so they are dropped; any
// other uncaught error still ends the process as it would have.
const lateGotError = (error) =>
  error instanceof Error &&
  (error.name === 'RequestError' || error.message.includes('`onCancel` handler was attached after the promise settled'))

process.on('uncaughtException', (error) => {
  if (lateGotError(error)) return
  console.error(error)
  process.exit(1)
})
