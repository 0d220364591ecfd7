import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM script without types
import { explain, fileMatches, isWellFormed, parseCsv, readFindings } from '../../electron/scripts/scan-electron.mjs'

const CSV = `issue, severity, confidence, filename, location, sample, description, url
CSP_GLOBAL_CHECK,"LOW","FIRM","src/index.html","6:0","default-src 'self'; style-src 'self' 'unsafe-inline'","One or more CSP directives detected seems to be vulnerable",https://example/wiki
OPEN_EXTERNAL_JS_CHECK,"MEDIUM","TENTATIVE","out/main/index.js","407:1","shell.openExternal(a, ""b"")","Review the use of openExternal",https://example/wiki
NODE_INTEGRATION_HTML_CHECK,"INFORMATIONAL","FIRM","src/evil.html","1:1","x","nodeintegration",https://example/wiki
`

describe('scan-electron', () => {
  it('reads the electronegativity CSV, quotes and all', () => {
    const findings = readFindings(CSV)
    expect(findings).toHaveLength(3)
    expect(findings[1]).toMatchObject({
      issue: 'OPEN_EXTERNAL_JS_CHECK',
      filename: 'out/main/index.js',
      sample: 'shell.openExternal(a, "b")',
    })
    expect(parseCsv('a,"b\nc"\n')).toEqual([['a', 'b\nc']])
  })

  it('counts only findings without an explanation for their check and file', () => {
    const { results, unused } = explain(readFindings(CSV), [
      { check: 'CSP_GLOBAL_CHECK', file: 'src/index.html', reason: 'styles' },
      { check: 'OPEN_EXTERNAL_JS_CHECK', file: 'out/main/*.js', reason: 'http(s) only' },
      { check: 'PROTOCOL_HANDLER_JS_CHECK', file: 'electron/main/index.ts', reason: 'deep link' },
    ])
    expect(results.filter((r: { explanation?: unknown }) => !r.explanation).map((r: any) => r.finding.issue)).toEqual([
      'NODE_INTEGRATION_HTML_CHECK',
    ])
    expect(unused.map((e: { check: string }) => e.check)).toEqual(['PROTOCOL_HANDLER_JS_CHECK'])
    expect(fileMatches('out/main/chunks/*.js', 'out/main/chunks/app-x1.js')).toBe(true)
    expect(fileMatches('out/main/*.js', 'out/main/chunks/app-x1.js')).toBe(false)
  })

  it('every explanation names a check, a file and a reason', () => {
    const { explained } = JSON.parse(readFileSync(join(process.cwd(), 'electron', 'scripts', 'electronegativity-explained.json'), 'utf8'))
    expect(explained.length).toBeGreaterThan(0)
    for (const entry of explained) {
      expect(entry.check).toMatch(/^[A-Z_]+_CHECK$/)
      expect(entry.file).toBeTruthy()
      expect(entry.reason.length).toBeGreaterThan(20)
    }
  })
})

describe('garbled scanner reports', () => {
  it('tells a whole row from one cut into another', () => {
    expect(isWellFormed({ issue: 'CSP_GLOBAL_CHECK', filename: 'src/index.html', location: '6:0' })).toBe(true)
    expect(isWellFormed({ issue: "'; script-src 'self'", filename: '', location: '' })).toBe(false)
  })
})
