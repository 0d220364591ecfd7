import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

// `npm run i18n:check`, run over the project and over small trees with one mistake each.
const script = fileURLToPath(new URL('../../electron/scripts/i18n-check.mjs', import.meta.url))
const folders: string[] = []

function check(root?: string): { ok: boolean; output: string } {
  const run = spawnSync(process.execPath, root ? [script, root] : [script], { encoding: 'utf8' })
  return { ok: run.status === 0, output: run.stdout + run.stderr }
}

/** A src/ tree with `component` as its one file and the given locale files. */
function tree(component: string, locales: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'greenline-i18n-'))
  folders.push(root)
  mkdirSync(join(root, 'src', 'i18n', 'locales'), { recursive: true })
  writeFileSync(join(root, 'src', 'Screen.vue'), component)
  for (const [code, messages] of Object.entries(locales))
    writeFileSync(join(root, 'src', 'i18n', 'locales', `${code}.json`), JSON.stringify(messages))
  return root
}

const SCREEN = `<template><h1>{{ $t('page.title') }}</h1><p>{{ $t('page.count', n) }}</p></template>`

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

describe('i18n:check', () => {
  it('passes on the project: every key used exists in every language and none is unused', () => {
    const { ok, output } = check()
    expect(output).toMatch(/5 languages \(de, en, es, fr, pt-BR\) complete/)
    expect(ok).toBe(true)
  })

  it('passes when every language has every key', () => {
    const page = { title: 'x', count: '{n} a | {n} b' }
    expect(check(tree(SCREEN, { en: { page }, fr: { page } })).ok).toBe(true)
  })

  it('fails on a key used but missing, naming the file and key', () => {
    const { ok, output } = check(tree(SCREEN, { en: { page: { title: 'Title' } } }))
    expect(ok).toBe(false)
    expect(output).toContain('src/Screen.vue: "page.count" is not in en.json')
  })

  it('fails on a key missing in one language', () => {
    const { ok, output } = check(tree(SCREEN, { en: { page: { title: 'T', count: '{n} a | {n} b' } }, de: { page: { title: 'T' } } }))
    expect(ok).toBe(false)
    expect(output).toContain('de.json: "page.count" is missing')
  })

  it('fails on an English key nothing uses', () => {
    const page = { title: 'T', count: '{n} a | {n} b', old: 'Gone' }
    const { ok, output } = check(tree(SCREEN, { en: { page } }))
    expect(ok).toBe(false)
    expect(output).toContain('en.json: "page.old" is not used anywhere in src')
  })

  it('fails on a translation that lost a placeholder or a plural form', () => {
    const en = { page: { title: 'Hello {name}', count: '{n} a | {n} b' } }
    const fr = { page: { title: 'Bonjour', count: '{n} a' } }
    const { ok, output } = check(tree(SCREEN, { en, fr }))
    expect(ok).toBe(false)
    expect(output).toContain('fr.json: "page.title" has {} where English has {name}')
    expect(output).toContain('fr.json: "page.count" has 1 plural forms where English has 2')
  })

  it('fails when an engine code has no text in a language, or en.json says other words than the engine', () => {
    const page = { title: 'T', count: '{n} a | {n} b' }
    const root = tree(SCREEN, {
      en: { page, errors: { contact: { phoneTaken: '{phone} is saved as {name}' } } },
      es: { page, errors: {} },
    })
    mkdirSync(join(root, 'electron', 'shared', 'api'), { recursive: true })
    writeFileSync(
      join(root, 'electron', 'shared', 'api', 'engine-text.ts'),
      "export const ENGINE_TEXTS = { 'contact.phoneTaken': '{phone} is already saved as {name}', 'contact.gone': 'Gone' } as const\n",
    )
    const { ok, output } = check(root)
    expect(ok).toBe(false)
    expect(output).toContain('engine-text.ts: "contact.gone" has no "errors.contact.gone" in en.json')
    expect(output).toContain('en.json: "errors.contact.phoneTaken" says "{phone} is saved as {name}" where the engine says')
    expect(output).toContain('es.json: "errors.contact.phoneTaken" is missing')
  })

  it('fails when a desktop text outside the window is missing in a language or lost a value', () => {
    const page = { title: 'T', count: '{n} a | {n} b' }
    const root = tree(SCREEN, { en: { page }, de: { page }, fr: { page } })
    mkdirSync(join(root, 'electron', 'shared'), { recursive: true })
    writeFileSync(
      join(root, 'electron', 'shared', 'native-texts.ts'),
      `export const NATIVE_TEXTS = {
        en: { 'tray.quit': 'Quit Greenline', 'notification.count': '{count} new' },
        de: { 'tray.quit': 'Greenline beenden', 'notification.count': 'neu' },
      }\n`,
    )
    const { ok, output } = check(root)
    expect(ok).toBe(false)
    expect(output).toContain('native-texts.ts: "notification.count" in de has {} where English has {count}')
    expect(output).toContain('native-texts.ts: no texts for fr, which the window speaks')
  })

  it('fails when one language of the desktop texts lacks a text', () => {
    const page = { title: 'T', count: '{n} a | {n} b' }
    const root = tree(SCREEN, { en: { page }, es: { page } })
    mkdirSync(join(root, 'electron', 'shared'), { recursive: true })
    writeFileSync(
      join(root, 'electron', 'shared', 'native-texts.ts'),
      `export const NATIVE_TEXTS = { en: { 'tray.quit': 'Quit Greenline', 'tray.open': 'Open' }, es: { 'tray.quit': 'Salir' } }\n`,
    )
    const { ok, output } = check(root)
    expect(ok).toBe(false)
    expect(output).toContain('native-texts.ts: "tray.open" is missing in es')
  })
})
