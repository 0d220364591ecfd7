// `npm run server`: the Greenline server for an office (flags and variables: README, "Run it for your office").
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ensureBuilt, ensureDependencies, root } from './ensure.mjs'

ensureDependencies()
ensureBuilt()
const child = spawn(process.execPath, [join(root, 'out', 'main', 'server.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 0))
