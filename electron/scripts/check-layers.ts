import { readFileSync, readdirSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The layer rule of ARCHITECTURE.md: which folder may import which. Fails the build when, for
 * example, the engine imports `electron` or the renderer imports anything but types from
 * electron/shared.
 */
type Layer = 'shared' | 'core' | 'main' | 'host' | 'sandbox' | 'preload' | 'renderer'

const LAYER_DIRS: Array<[string, Layer]> = [
  ['electron/shared', 'shared'],
  ['electron/core', 'core'],
  ['electron/main', 'main'],
  ['electron/host', 'host'],
  ['electron/sandbox', 'sandbox'],
  ['electron/preload', 'preload'],
  ['src', 'renderer'],
]

/** Layers each layer may import (its own always allowed). */
const MAY_IMPORT: Record<Layer, Layer[]> = {
  shared: [],
  core: ['shared'],
  main: ['shared', 'core'],
  host: ['shared', 'core'],
  sandbox: ['shared'],
  preload: ['shared'],
  renderer: ['shared'],
}

const ELECTRON_PACKAGES = new Set(['electron', 'electron-store', '@electron/remote'])
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))

export interface Violation {
  file: string
  line: number
  specifier: string
  reason: string
}

interface ImportRef {
  specifier: string
  line: number
  typeOnly: boolean
}

const IMPORT_PATTERN =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g

export function findImports(source: string): ImportRef[] {
  const refs: ImportRef[] = []
  for (const match of source.matchAll(IMPORT_PATTERN)) {
    const specifier = match[3] ?? match[4] ?? match[5]
    if (!specifier) continue
    const line = source.slice(0, match.index ?? 0).split('\n').length + (match[0].startsWith('\n') ? 1 : 0)
    refs.push({ specifier, line, typeOnly: Boolean(match[2]) })
  }
  return refs
}

function layerOf(root: string, file: string): Layer | undefined {
  const rel = relative(root, file).split(sep).join('/')
  return LAYER_DIRS.find(([dir]) => rel === dir || rel.startsWith(`${dir}/`))?.[1]
}

function packageName(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

function checkImport(root: string, file: string, layer: Layer, ref: ImportRef): string | undefined {
  if (ref.specifier.startsWith('.')) {
    const target = layerOf(root, resolve(dirname(file), ref.specifier))
    if (!target) return `imports ${ref.specifier}, which is outside every layer`
    if (target === layer) return undefined
    if (!MAY_IMPORT[layer].includes(target)) return `${layer} may not import ${target}`
    if (layer === 'renderer' && !ref.typeOnly) return 'the renderer may import only types from electron/shared (use `import type`)'
    return undefined
  }
  const name = packageName(ref.specifier)
  if (ELECTRON_PACKAGES.has(name) && layer !== 'main' && !(layer === 'preload' && name === 'electron')) {
    return `${layer} may not import ${name} (it loads the Electron runtime)`
  }
  if (NODE_BUILTINS.has(ref.specifier) || NODE_BUILTINS.has(name)) {
    if (layer === 'renderer' || layer === 'shared' || layer === 'preload') return `${layer} may not use Node's ${ref.specifier}`
  }
  return undefined
}

function sourceFiles(dir: string): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path))
    else if (/\.(ts|vue|mts|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) files.push(path)
  }
  return files
}

/** Every import in every layer folder under `root` that breaks the rule. */
export function checkLayers(root: string): Violation[] {
  const violations: Violation[] = []
  for (const [dir, layer] of LAYER_DIRS) {
    const base = join(root, dir)
    let files: string[]
    try {
      files = sourceFiles(base)
    } catch {
      continue
    }
    for (const file of files) {
      for (const ref of findImports(readFileSync(file, 'utf8'))) {
        const reason = checkImport(root, file, layer, ref)
        if (reason) violations.push({ file: relative(root, file), line: ref.line, specifier: ref.specifier, reason })
      }
    }
  }
  return violations
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..'))
  const violations = checkLayers(root)
  for (const v of violations) console.error(`${v.file}:${v.line}: ${v.specifier} — ${v.reason}`)
  console.log(violations.length ? `layer rule: ${violations.length} violation(s)` : 'layer rule: ok')
  process.exit(violations.length ? 1 : 0)
}
