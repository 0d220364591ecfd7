#!/usr/bin/env node
// `node electron/scripts/merge-update-metadata.mjs <artifacts-dir> <out-dir>`: each release job
// packages one OS and arch and writes its own latest.yml / latest-mac.yml / latest-linux.yml
// listing only its files. The feed needs one file per name listing every arch, or machines of one
// arch would be offered the other's installer. Copies the installers and writes merged metadata.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, join } from 'node:path'
import { root } from './ensure.mjs'

const yaml = createRequire(join(root, 'package.json'))('js-yaml')

/** Merges parsed `latest*.yml` documents of one name: every file once, the first's version and date. */
export function mergeMetadata(documents) {
  const files = new Map()
  for (const document of documents) for (const file of document.files ?? []) files.set(file.url, file)
  return { ...documents[0], files: [...files.values()] }
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]))
}

if (process.argv[1] && basename(process.argv[1]) === 'merge-update-metadata.mjs') {
  const [from, to] = process.argv.slice(2)
  mkdirSync(to, { recursive: true })
  const metadata = new Map()
  for (const path of walk(from)) {
    if (/^(latest|beta)[\w-]*\.yml$/.test(basename(path))) {
      const list = metadata.get(basename(path)) ?? []
      list.push(yaml.load(readFileSync(path, 'utf8')))
      metadata.set(basename(path), list)
    } else copyFileSync(path, join(to, basename(path)))
  }
  for (const [name, documents] of metadata) {
    writeFileSync(join(to, name), yaml.dump(mergeMetadata(documents)))
    console.log(`${name}: ${documents.length} job(s) merged`)
  }
}
