import type { Page } from '@playwright/test'
import { median } from '../stats'
import type { Scenario } from '../support/types'
import { openUi } from '../support/ui'
import { uiDb } from '../support/ui-db'

const BUBBLE = '[data-testid="message-bubble"]'
const PANE = '[data-testid="thread"]'
const SCROLLERS = ['message-list', 'message-scroller', 'thread-scroll', 'messages-scroll', 'thread-messages'].map(
  (id) => `[data-testid="${id}"]`,
)

/**
 * Opening a 100,000-message thread in Chromium through the browser host, with 10,000 other
 * threads in the list (issue 21's screen): from the route change (as a click in the list does)
 * to the first message bubble visible and painted (next animation frame). Each run reloads the
 * app on the list first, so the renderer has nothing cached; the engine's SQLite pages are warm
 * after the first run. Then the DOM size while scrolling up: the thread pane's elements
 * (thread_dom_nodes_max) and the whole document's (document_dom_nodes_max).
 */
export const threadOpen: Scenario = {
  id: 'thread',
  figures: ['thread_open_ms', 'thread_dom_nodes_max', 'document_dom_nodes_max'],
  async run(ctx) {
    const db = uiDb(ctx.freshDir('thread'), ctx.log)
    const { threadId } = db
    ctx.log(
      `  thread ${threadId}: ${db.threadMessages.toLocaleString('en-US')} messages, ${db.threads.toLocaleString('en-US')} threads in the list${db.cached ? ' (cached database)' : ''}`,
    )
    const ui = await openUi(db.dataDir, ctx.log)
    const { page } = ui
    try {
      const runs = ctx.quick ? 3 : 5
      const times: number[] = []
      for (let i = 0; i < runs; i++) {
        await page.goto(`${ui.url}/#/messages`)
        await page.reload()
        await page.getByTestId('conversation-row').first().waitFor({ state: 'visible', timeout: 20_000 })
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
      ctx.log(
        `  elements while scrolling: pane ${dom.pane.join(', ')}; document ${dom.document.join(', ')} (${dom.bubbles} bubbles at the end, container ${dom.container})`,
      )
      const figures = [
        {
          name: 'thread_open_ms',
          value: median(times),
          unit: 'ms',
          runs,
          note: `${db.threadMessages.toLocaleString('en-US')}-message thread with ${db.threads.toLocaleString('en-US')} threads in the list, Chromium ${ui.browser.version()}, route change → first bubble visible + 1 frame, app reloaded on the list (first row painted) before each run; runs ${times.map((t) => t.toFixed(0)).join(' / ')} ms`,
        },
      ]
      if (dom.pagesLoaded === 0) {
        return [
          ...figures,
          ...['thread_dom_nodes_max', 'document_dom_nodes_max'].map((name) => ({
            name,
            missing: `scrolling up loaded no older messages (container ${dom.container})`,
          })),
        ]
      }
      const steps = `after opening and after each of ${dom.pane.length - 1} scroll-to-top steps (${dom.pagesLoaded} loaded older messages); container ${dom.container}`
      return [
        ...figures,
        {
          name: 'thread_dom_nodes_max',
          value: Math.max(...dom.pane),
          unit: 'nodes',
          runs: dom.pane.length,
          note: `elements inside ${PANE} (header, banner, messages, composer) ${steps}`,
        },
        {
          name: 'document_dom_nodes_max',
          value: Math.max(...dom.document),
          unit: 'nodes',
          runs: dom.document.length,
          note: `document.querySelectorAll('*').length (list of ${db.threads.toLocaleString('en-US')} threads + thread + chrome) ${steps}`,
        },
      ]
    } finally {
      await ui.close()
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
function scrollUp(
  page: Page,
  steps: number,
): Promise<{ pane: number[]; document: number[]; pagesLoaded: number; bubbles: number; container: string }> {
  return page.evaluate(
    async ({ steps, bubble, scrollers, paneSelector }) => {
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
      const pane: number[] = []
      const all: number[] = []
      const count = () => {
        pane.push(document.querySelector(paneSelector)?.querySelectorAll('*').length ?? 0)
        all.push(document.querySelectorAll('*').length)
      }
      count()
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
        count()
      }
      return { pane, document: all, pagesLoaded, bubbles: document.querySelectorAll(bubble).length, container: describe(container) }
    },
    { steps, bubble: BUBBLE, scrollers: SCROLLERS, paneSelector: PANE },
  )
}
