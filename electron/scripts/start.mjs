// `npm start`: installs what is missing, builds if needed, and launches the desktop app — or,
// where the Electron runtime is not installed, the browser host.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { electronBinary, ensureBuilt, ensureDependencies, root } from './ensure.mjs'

ensureDependencies()
ensureBuilt()
const binary = electronBinary()
const [command, args] = binary
  ? [binary, [root, ...process.argv.slice(2)]]
  : (console.log('The Electron runtime is not installed on this machine; starting the browser host instead.'),
    [process.execPath, [join(root, 'out', 'main', 'host.js'), ...process.argv.slice(2)]])
const child = spawn(command, args, { cwd: root, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 0))
