// Throwaway A/B: old and new renderer builds served by one browser host, alternated.
import { chromium } from '@playwright/test'
import { startBrowserHost } from '../../electron/host/app'
import { uiDb } from './support/ui-db'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROW = '[data-testid="conversation-row"]'
const BUBBLE = '[data-testid="message-bubble"]'
const PAINT_PROBE = `(() => {
  const visible = () => { const el = document.querySelector('${ROW}'); if (!el) return false; const b = el.getBoundingClientRect(); return b.height > 0 && b.bottom > 0 && b.top < innerHeight }
  const done = () => requestAnimationFrame(() => setTimeout(() => { window.__listPainted = performance.now() }, 0))
  const check = () => { if (visible()) { observer.disconnect(); done(); return true } return false }
  const observer = new MutationObserver(check)
  const start = () => check() || observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true })
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start)
})()`

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }

async function main() {
  const rounds = Number(process.argv[2] ?? 9)
  const db = uiDb(mkdtempSync(join(tmpdir(), 'ab-split-')), console.log)
  const host = await startBrowserHost({ dataDir: db.dataDir, rendererDir: '/tmp/ab', env: {} })
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  await page.addInitScript({ content: 'window.__name = (fn) => fn' })
  await page.addInitScript({ content: "localStorage.setItem('greenline.user', 'priya')" })
  await page.goto(host.openUrl)
  await page.getByTestId('nav-messages').waitFor({ state: 'visible', timeout: 30_000 })
  await page.addInitScript({ content: PAINT_PROBE })
  const res: Record<string, { paint: number[]; open: number[] }> = { old: { paint: [], open: [] }, new: { paint: [], open: [] } }
  for (let r = 0; r < rounds + 1; r++) {
    const order = r % 2 ? ['new', 'old'] : ['old', 'new']
    for (const v of order) {
      await page.goto(`${host.url}/${v}.html#/messages`)
      await page.waitForFunction(() => (window as any).__listPainted !== undefined, null, { timeout: 60_000 })
      const paint = await page.evaluate(() => (window as any).__listPainted as number)
      const open = await page.evaluate(({ hash, bubble }) => new Promise<number>((resolve) => {
        const t0 = performance.now(); let finished = false
        const visible = () => { const el = document.querySelector(bubble); if (!el) return false; const b = el.getBoundingClientRect(); return b.height > 0 && b.bottom > 0 && b.top < innerHeight }
        const finish = () => { if (finished) return; finished = true; observer.disconnect(); requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0)) }
        const observer = new MutationObserver(() => visible() && finish())
        observer.observe(document.body, { childList: true, subtree: true, attributes: true })
        const poll = () => { if (finished) return; if (visible()) return finish(); if (performance.now() - t0 > 30000) { finished = true; return resolve(-1) } requestAnimationFrame(poll) }
        location.hash = hash; poll()
      }), { hash: `#/messages/${db.threadId}`, bubble: BUBBLE })
      if (r === 0) { console.log(`warm-up ${v}: paint ${paint.toFixed(0)} open ${open.toFixed(0)}`); continue }
      res[v].paint.push(paint); res[v].open.push(open)
      console.log(`round ${r} ${v}: paint ${paint.toFixed(0)} ms, thread open ${open.toFixed(0)} ms`)
    }
  }
  for (const v of ['old', 'new']) console.log(`${v}: paint median ${median(res[v].paint).toFixed(0)} [${res[v].paint.map((x) => x.toFixed(0)).join(' ')}]; thread open median ${median(res[v].open).toFixed(0)} [${res[v].open.map((x) => x.toFixed(0)).join(' ')}]`)
  await browser.close(); await host.close()
}
void main()
