import { chromium, type Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startBrowserHost } from '../../../electron/host/app'
import { median } from '../stats'
import { REPO_ROOT } from '../support/child'
import { generateMessagesDb } from '../support/db-gen'
import type { Scenario } from '../support/types'

const THREAD_MESSAGES = 100_000
const OTHER_THREADS = 20
const BUBBLE = '[data-testid="message-bubble"]'
const SCROLLERS = ['message-list', 'message-scroller', 'thread-scroll', 'messages-scroll', 'thread-messages'].map(
  (id) => `[data-testid="${id}"]`,
)

/**
 * Opening a 100,000-message thread in Chromium through the browser host: from the route change
 * (as a click in the list does) to the first message bubble visible and painted (next animation
 * frame). Each run reloads the app on the list first, so the renderer has nothing cached; the
 * engine's SQLite pages are warm after the first run. Then the DOM size while scrolling up.
 */
export const threadOpen: Scenario = {
  id: 'thread',
  figures: ['thread_open_ms', 'thread_dom_nodes_max'],
  async run(ctx) {
    const rendererDir = join(REPO_ROOT, 'out', 'renderer')
    if (!existsSync(join(rendererDir, 'index.html'))) {
      ctx.log('  building the renderer (npx electron-vite build)…')
      execFileSync('npx', ['electron-vite', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' })
    }
    const dataDir = ctx.freshDir('thread')
    const stride = Math.floor(THREAD_MESSAGES / (OTHER_THREADS * 100)) + 1
    const info = generateMessagesDb(dataDir, {
      conversations: OTHER_THREADS + 1,
      messages: THREAD_MESSAGES + Math.ceil(THREAD_MESSAGES / (stride - 1)),
      conversationOf: (i) => (i % stride === stride - 1 ? 1 + (Math.floor(i / stride) % OTHER_THREADS) : 0),
      participantsOf: () => ['priya', 'sam'],
      seed: 99,
    })
    const threadId = info.conversationIds[0]
    const count = (
      await import('better-sqlite3').then(({ default: Database }) => {
        const db = new Database(join(dataDir, 'greenline.db'), { readonly: true })
        try {
          return db.prepare('SELECT count(*) AS n FROM messages WHERE conversation_id = ?').get(threadId) as { n: number }
        } finally {
          db.close()
        }
      })
    ).n
    ctx.log(
      `  thread ${threadId}: ${count.toLocaleString('en-US')} messages (+${(info.messages - count).toLocaleString('en-US')} in ${OTHER_THREADS} other threads)`,
    )
    const host = await startBrowserHost({ dataDir, rendererDir, env: {} })
    const browser = await chromium.launch({
      executablePath: process.env.GREENLINE_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    })
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      // tsx (esbuild keepNames) wraps functions handed to page.evaluate in __name(); give the page one.
      await page.addInitScript({ content: 'window.__name = (fn) => fn' })
      await page.addInitScript({ content: "localStorage.setItem('greenline.user', 'priya')" })
      await page.goto(host.openUrl)
      await page.getByTestId('nav-messages').waitFor({ state: 'visible', timeout: 20_000 })
      const runs = ctx.quick ? 3 : 5
      const times: number[] = []
      for (let i = 0; i < runs; i++) {
        await page.goto(`${host.url}/#/messages`)
        await page.reload()
        await page.getByTestId('nav-messages').waitFor({ state: 'visible', timeout: 20_000 })
        const ms = await openThread(page, `#/messages/${threadId}`, 15_000)
        if (ms < 0) {
          return this.figures.map((name) => ({
            name,
            missing: `thread UI not ready: no visible ${BUBBLE} within 15 s of opening /#/messages/<id>`,
          }))
        }
        times.push(ms)
        ctx.log(`  open ${i + 1}: ${ms.toFixed(1)} ms`)
      }
      const dom = await scrollUp(page, ctx.quick ? 4 : 10)
      ctx.log(`  DOM nodes while scrolling: ${dom.counts.join(', ')} (${dom.bubbles} bubbles at the end, container ${dom.container})`)
      const figures = [
        {
          name: 'thread_open_ms',
          value: median(times),
          unit: 'ms',
          runs,
          note: `${count.toLocaleString('en-US')}-message thread, Chromium ${browser.version()}, route change → first bubble visible + 1 frame, app reloaded before each run; runs ${times.map((t) => t.toFixed(0)).join(' / ')} ms`,
        },
      ]
      if (dom.pagesLoaded === 0) {
        return [...figures, { name: 'thread_dom_nodes_max', missing: `scrolling up loaded no older messages (container ${dom.container})` }]
      }
      return [
        ...figures,
        {
          name: 'thread_dom_nodes_max',
          value: Math.max(...dom.counts),
          unit: 'nodes',
          runs: dom.counts.length,
          note: `document.querySelectorAll('*').length after opening and after each of ${dom.counts.length - 1} scroll-to-top steps (${dom.pagesLoaded} loaded older messages); container ${dom.container}`,
        },
      ]
    } finally {
      await browser.close()
      await host.close()
    }
  },
}

/** Sets the route and resolves when the first bubble is laid out and a frame has been painted (−1 on timeout). */
function openThread(page: Page, hash: string, timeoutMs: number): Promise<number> {
  return page.evaluate(
    ({ hash, timeoutMs, bubble }) =>
      new Promise<number>((resolve) => {
        const t0 = performance.now()
        let finished = false
        const visible = () => {
          const el = document.querySelector(bubble)
          if (!el) return false
          const box = el.getBoundingClientRect()
          return box.height > 0 && box.bottom > 0 && box.top < innerHeight
        }
        const finish = () => {
          if (finished) return
          finished = true
          observer.disconnect()
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0))
        }
        const observer = new MutationObserver(() => visible() && finish())
        observer.observe(document.body, { childList: true, subtree: true, attributes: true })
        const poll = () => {
          if (finished) return
          if (visible()) return finish()
          if (performance.now() - t0 > timeoutMs) {
            finished = true
            observer.disconnect()
            return resolve(-1)
          }
          requestAnimationFrame(poll)
        }
        location.hash = hash
        poll()
      }),
    { hash, timeoutMs, bubble: BUBBLE },
  )
}

/** Scrolls the thread to its top repeatedly, counting DOM nodes after each step. */
function scrollUp(page: Page, steps: number): Promise<{ counts: number[]; pagesLoaded: number; bubbles: number; container: string }> {
  return page.evaluate(
    async ({ steps, bubble, scrollers }) => {
      const first = document.querySelector(bubble)
      let container: HTMLElement | null = null
      for (const selector of scrollers) container ??= document.querySelector<HTMLElement>(selector)
      for (let el = first?.parentElement ?? null; !container && el; el = el.parentElement) {
        const style = getComputedStyle(el)
        if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) container = el
      }
      const describe = (el: HTMLElement | null) =>
        el
          ? `${el.tagName.toLowerCase()}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : el.className ? `.${String(el.className).split(' ')[0]}` : ''}`
          : 'none'
      const counts = [document.querySelectorAll('*').length]
      let pagesLoaded = 0
      const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)))
      const signature = () =>
        `${container?.scrollHeight}|${document.querySelector(bubble)?.textContent?.slice(0, 80)}|${document.querySelectorAll(bubble).length}`
      for (let i = 0; i < steps && container; i++) {
        const before = signature()
        container.scrollTop = 0
        container.dispatchEvent(new Event('scroll'))
        const t0 = performance.now()
        while (signature() === before && performance.now() - t0 < 5000) await frame()
        if (signature() !== before) pagesLoaded++
        await frame()
        counts.push(document.querySelectorAll('*').length)
      }
      return { counts, pagesLoaded, bubbles: document.querySelectorAll(bubble).length, container: describe(container) }
    },
    { steps, bubble: BUBBLE, scrollers: SCROLLERS },
  )
}
