// `npm run i18n:check`: every text key the renderer asks for exists in every shipped language,
// every English key is used somewhere, every language has exactly English's keys, and each
// translation keeps the original's {placeholders} and plural form count. Every sentence the engine
// sends by code (electron/shared/api/engine-text.ts) has its `errors.<code>` text, and en.json's
// says what the engine's English says; the desktop's native texts (electron/shared/native-texts.ts)
// are complete in every language. Exits 1 listing the
// problems, so a forgotten translation fails CI instead of showing English (or a key) to a user.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

// A folder holding src/ may be given (tests check the checker on a small tree).
const root = process.argv[2] ?? fileURLToPath(new URL('../..', import.meta.url))
const src = join(root, 'src')
const localesDir = join(src, 'i18n', 'locales')

/** { "a": { "b": "x" } } → Map { "a.b" => "x" } */
function flatten(tree, prefix = '', out = new Map()) {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (value && typeof value === 'object') flatten(value, path, out)
    else out.set(path, String(value))
  }
  return out
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return path === localesDir ? [] : files(path)
    return /\.(vue|ts)$/.test(name) ? [path] : []
  })
}

const locales = new Map(
  readdirSync(localesDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => [name.replace(/\.json$/, ''), flatten(JSON.parse(readFileSync(join(localesDir, name), 'utf8')))]),
)
const en = locales.get('en')
const problems = []
if (!en) problems.push('src/i18n/locales/en.json is missing')

// Keys asked for by name: t('…'), $t('…'), tc/te('…'), <i18n-t keypath="…">.
const CALL = /(?<![\w.])\$?t[ce]?\(\s*(['"`])([\w.-]+)\1/g
const KEYPATH = /\bkeypath="([\w.-]+)"/g
// Keys chosen at run time sit in maps as plain strings ({ active: 'state.chip.active' }): any
// quoted string equal to an English key counts as a use.
const LITERAL = /(['"`])([\w-]+(?:\.[\w-]+)+)\1/g
// t(`channel.${conversation.channel}`): every key under the prefix counts as used.
const DYNAMIC = /(?<![\w.])\$?t\(\s*`([\w-]+(?:\.[\w-]+)*\.)\$\{/g

const used = new Set()
for (const file of files(src)) {
  const text = readFileSync(file, 'utf8')
  const where = relative(root, file)
  for (const [, , key] of text.matchAll(CALL)) {
    used.add(key)
    if (!en?.has(key)) problems.push(`${where}: "${key}" is not in en.json`)
  }
  for (const [, key] of text.matchAll(KEYPATH)) {
    used.add(key)
    if (!en?.has(key)) problems.push(`${where}: "${key}" is not in en.json`)
  }
  for (const [, , key] of text.matchAll(LITERAL)) if (en?.has(key)) used.add(key)
  for (const [, prefix] of text.matchAll(DYNAMIC)) for (const key of en?.keys() ?? []) if (key.startsWith(prefix)) used.add(key)
}

// The engine's sentences are asked for by the code a failure carries (src/api/error-text.ts).
// Node runs the catalogue's TypeScript as is (type stripping), so the codes are read, not copied.
const catalogue = join(root, 'electron', 'shared', 'api', 'engine-text.ts')
if (existsSync(catalogue)) {
  const { ENGINE_TEXTS } = await import(pathToFileURL(catalogue).href)
  for (const [code, english] of Object.entries(ENGINE_TEXTS)) {
    const key = `errors.${code}`
    used.add(key)
    if (!en?.has(key)) problems.push(`engine-text.ts: "${code}" has no "${key}" in en.json`)
    else if (en.get(key) !== english) problems.push(`en.json: "${key}" says "${en.get(key)}" where the engine says "${english}"`)
  }
}

const placeholders = (message) => [...new Set([...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort().join(',')
const forms = (message) => message.split(/(?<!\{'[^']*)\|/).length

if (en) {
  for (const key of en.keys()) if (!used.has(key)) problems.push(`en.json: "${key}" is not used anywhere in src`)
  for (const [code, messages] of locales) {
    if (code === 'en') continue
    for (const key of en.keys()) if (!messages.has(key)) problems.push(`${code}.json: "${key}" is missing`)
    for (const [key, message] of messages) {
      const original = en.get(key)
      if (original === undefined) problems.push(`${code}.json: "${key}" is not in en.json`)
      else if (placeholders(original) !== placeholders(message))
        problems.push(`${code}.json: "${key}" has {${placeholders(message)}} where English has {${placeholders(original)}}`)
      else if (forms(original) !== forms(message))
        problems.push(`${code}.json: "${key}" has ${forms(message)} plural forms where English has ${forms(original)}`)
      else if (!message.trim()) problems.push(`${code}.json: "${key}" is empty`)
    }
  }
}

// The desktop app's texts outside its window (electron/shared/native-texts.ts): the same languages
// as the window, each with every English text and the same {placeholders}.
const nativeCatalogue = join(root, 'electron', 'shared', 'native-texts.ts')
if (existsSync(nativeCatalogue)) {
  const { NATIVE_TEXTS } = await import(pathToFileURL(nativeCatalogue).href)
  const english = NATIVE_TEXTS.en ?? {}
  for (const code of locales.keys())
    if (!NATIVE_TEXTS[code]) problems.push(`native-texts.ts: no texts for ${code}, which the window speaks`)
  for (const [code, texts] of Object.entries(NATIVE_TEXTS)) {
    if (!locales.has(code)) problems.push(`native-texts.ts: ${code} is not a language the window speaks`)
    for (const [key, original] of Object.entries(english)) {
      const text = texts[key]
      if (typeof text !== 'string' || !text.trim()) problems.push(`native-texts.ts: "${key}" is missing in ${code}`)
      else if (placeholders(original) !== placeholders(text))
        problems.push(`native-texts.ts: "${key}" in ${code} has {${placeholders(text)}} where English has {${placeholders(original)}}`)
    }
    for (const key of Object.keys(texts)) if (!(key in english)) problems.push(`native-texts.ts: "${key}" in ${code} is not in English`)
  }
}

if (problems.length) {
  const unique = [...new Set(problems)]
  console.error(`i18n check: ${unique.length} problem(s)\n${unique.map((p) => `  ${p}`).join('\n')}`)
  // exitCode, not exit(): a long report to a pipe must be flushed before Node ends.
  process.exitCode = 1
} else console.log(`i18n check: ${used.size} keys used, ${locales.size} languages (${[...locales.keys()].join(', ')}) complete`)
