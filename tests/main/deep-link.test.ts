import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Engine } from '../../electron/core/engine'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { createEngine } = await import('../../electron/core/engine')
const { demoOrgPolicy } = await import('../../electron/core/org/org-policy')
const { deepLinkFromArgv, openDeepLink, parseDeepLink } = await import('../../electron/main/deep-link')

let engine: Engine

beforeAll(() => {
  engine = createEngine({ dataDir: mkdtempSync(join(tmpdir(), 'greenline-link-')), org: demoOrgPolicy() })
})
afterAll(async () => {
  await engine.close()
})

describe('greenline://contact/<phone>', () => {
  it('parses contact links and refuses anything else', () => {
    expect(parseDeepLink('greenline://contact/+14155550101')).toEqual({ kind: 'contact', phone: '+14155550101' })
    expect(parseDeepLink('greenline://contact/%2B1%20(415)%20555-0101')).toEqual({ kind: 'contact', phone: '+1 (415) 555-0101' })
    for (const bad of ['greenline://settings/x', 'https://contact/+1415', 'greenline://contact/<script>', 'greenline://contact/%E0%A4%A', 'greenline://contact/']) {
      expect(parseDeepLink(bad), bad).toBeUndefined()
    }
    expect(deepLinkFromArgv(['/app/Greenline', '--flag', 'greenline://contact/+14155550101'])).toBe('greenline://contact/+14155550101')
    expect(deepLinkFromArgv(['/app/Greenline'])).toBeUndefined()
  })

  it('opens the existing contact with that number', async () => {
    const contact = await engine.dispatch({ userId: 'priya' }, 'contacts:create', { name: 'Ana Souza', phone: '+14155550101' })
    const navigate = vi.fn()
    const opened = await openDeepLink('greenline://contact/(415)%20555-0101', { engine, userId: 'priya', navigate })
    expect(opened?.id).toBe((contact as { ok: true; value: { id: string } }).value.id)
    expect(navigate).toHaveBeenCalledWith(`/contacts/${opened!.id}`)
  })

  it('creates a contact for a new number and opens it', async () => {
    const navigate = vi.fn()
    const opened = await openDeepLink('greenline://contact/+14155550102', { engine, userId: 'priya', navigate })
    expect(opened).toMatchObject({ name: '+14155550102', phone: '+14155550102' })
    expect(navigate).toHaveBeenCalledWith(`/contacts/${opened!.id}`)
    const again = await openDeepLink('greenline://contact/+14155550102', { engine, userId: 'priya', navigate: vi.fn() })
    expect(again?.id).toBe(opened!.id)
  })

  it('ignores an invalid number', async () => {
    const navigate = vi.fn()
    expect(await openDeepLink('greenline://contact/123', { engine, userId: 'priya', navigate })).toBeUndefined()
    expect(navigate).not.toHaveBeenCalled()
  })
})
