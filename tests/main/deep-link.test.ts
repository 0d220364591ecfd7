import type { Contact } from '../../electron/shared/domain'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { SqliteEngine } from '../../electron/core/engine'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { createEngine } = await import('../../electron/core/engine')
const { demoOrgPolicy } = await import('../../electron/launcher/demo-org')
const { deepLinkFromArgv, openDeepLink, parseDeepLink } = await import('../../electron/main/deep-link')

let engine: SqliteEngine

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
    for (const bad of [
      'greenline://settings/x',
      'https://contact/+1415',
      'greenline://contact/<script>',
      'greenline://contact/%E0%A4%A',
      'greenline://contact/',
    ]) {
      expect(parseDeepLink(bad), bad).toBeUndefined()
    }
    expect(deepLinkFromArgv(['/app/Greenline', '--flag', 'greenline://contact/+14155550101'])).toBe('greenline://contact/+14155550101')
    expect(deepLinkFromArgv(['/app/Greenline'])).toBeUndefined()
  })

  it('opens the existing contact with that number', async () => {
    const contact = await engine.dispatch({ userId: 'priya' }, 'contacts:create', { name: 'Ana Souza', phone: '+14155550101' })
    const navigate = vi.fn()
    const opened = openDeepLink('greenline://contact/(415)%20555-0101', { engine, userId: 'priya', navigate })
    expect(opened?.id).toBe((contact as { ok: true; value: { id: string } }).value.id)
    expect(navigate).toHaveBeenCalledWith(`/contacts/${opened!.id}`)
  })

  it('@security a new number opens the add-contact form filled in, and saves nothing by itself', async () => {
    const navigate = vi.fn()
    const opened = openDeepLink('greenline://contact/+14155550102', { engine, userId: 'priya', navigate })
    expect(opened).toBeUndefined()
    expect(navigate).toHaveBeenCalledWith(`/contacts?add=${encodeURIComponent('+14155550102')}`)
    const contacts = await engine.dispatch({ userId: 'priya' }, 'contacts:list', {})
    expect(contacts.ok && (contacts.value as Contact[]).some((c) => c.phone === '+14155550102')).toBe(false)
  })

  it('ignores an invalid number', async () => {
    const navigate = vi.fn()
    expect(openDeepLink('greenline://contact/123', { engine, userId: 'priya', navigate })).toBeUndefined()
    expect(navigate).not.toHaveBeenCalled()
  })
})
