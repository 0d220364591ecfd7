#!/usr/bin/env node
// `npm run build:win | build:mac | build:linux [-- --x64 | --arm64]`: builds the app, then packages
// it with electron-builder for that platform (by default for this machine's arch: sharp's native
// binaries are installed per arch, so each arch is packaged on a machine of that arch). Needs
// internet access for the Electron zip and headers (see .github/workflows/release.yml).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { root, run } from './ensure.mjs'
import { packagingNodeProblem, releaseConfig } from './release-config.mjs'

const platform = process.argv[2]
const nodeProblem = packagingNodeProblem(process.version)
if (nodeProblem) {
  console.error(`build:${platform}: ${nodeProblem}`)
  process.exit(1)
}
const arches = process.argv.slice(3).filter((arg) => arg === '--x64' || arg === '--arm64')
const require = createRequire(join(root, 'package.json'))
const yaml = require('js-yaml')
const base = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'))

let prepared
try {
  prepared = releaseConfig(base, platform, process.env)
} catch (error) {
  console.error(`build:${platform}: ${error.message}`)
  process.exit(1)
}
for (const notice of prepared.notices) console.log(`• ${notice}`)

if (run('npx', ['electron-vite', 'build']) !== 0) process.exit(1)
const { build, Platform, Arch } = require('electron-builder')
const target = { win: Platform.WINDOWS, mac: Platform.MAC, linux: Platform.LINUX }[platform]
const chosen = arches.length > 0 ? arches.map((arg) => Arch[arg.slice(2)]) : [Arch[process.arch]]
build({
  targets: target.createTarget(null, ...chosen),
  config: prepared.config,
  publish: process.env.GREENLINE_PUBLISH === 'always' ? 'always' : 'never',
}).then(
  (files) => console.log(`Packaged:\n${files.map((file) => `  ${file}`).join('\n')}`),
  (error) => {
    console.error(`build:${platform} failed: ${error.message}`)
    process.exit(1)
  },
)
