// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ImportSummary } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { default: ContactImportDialog } = await import('../../src/components/contacts/ContactImportDialog.vue')

const CSV = 'name,phone,company\nAna Souza,+14155550101,Acme\n,+14155550102,\nBo Chen,12,\n'
const VCF = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Souza\r\nTEL:+14155550101\r\nEND:VCARD\r\n'

/** Lets the test finish the engine's `contacts:import` answer when it wants, after playing progress. */
function importAnswer() {
  let finish: (summary: ImportSummary) => void = () => undefined
  let fail: (error: Error) => void = () => undefined
  const seen: unknown[] = []
  api.answer({
    'contacts:import': (payload: unknown) => {
      seen.push(payload)
      return new Promise<ImportSummary>((resolve, reject) => {
        finish = resolve
        fail = reject
      })
    },
  })
  return { seen, finish: (s: ImportSummary) => finish(s), fail: (e: Error) => fail(e) }
}

function render() {
  const wrapper = mount(ContactImportDialog, {
    global: { plugins: [testingPinia({ stubActions: false })] },
    attachTo: document.body,
  })
  return wrapper
}

/** Picks a file as the person would in the file chooser. */
async function pick(wrapper: VueWrapper, name: string, content: string | Uint8Array<ArrayBuffer>) {
  const input = wrapper.get('[data-testid="import-file"]')
  Object.defineProperty(input.element, 'files', { configurable: true, value: [new File([content], name)] })
  await input.trigger('change')
  await flushPromises()
}

const progress = (wrapper: VueWrapper) => wrapper.get('[data-testid="import-progress"]')

describe('ContactImportDialog', () => {
  beforeEach(() => api.reset())
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('previews a CSV with its column mapping before importing anything', async () => {
    importAnswer()
    const wrapper = render()
    await pick(wrapper, 'clinic.csv', CSV)
    expect(api.call).not.toHaveBeenCalled()
    expect(wrapper.get('[data-testid="import-encoding"]').text()).toBe('3 lines · read as UTF-8')
    expect(wrapper.findAll('thead th').map((th) => th.text())).toEqual(['name → Name', 'phone → Phone', 'company → Company'])
    expect(wrapper.findAll('[data-testid="import-preview-row"]')[0]?.text()).toContain('Ana Souza')
    expect(wrapper.get('[data-testid="import-confirm"]').text()).toBe('Import 3 lines')
  })

  it('warns when no column can be the name', async () => {
    const wrapper = render()
    await pick(wrapper, 'numbers.csv', 'phone\n+14155550101\n')
    expect(wrapper.text()).toContain('No column is recognised as the name')
  })

  it('shows progress while importing, cannot be closed meanwhile, then lists each skipped line with its reason', async () => {
    const engine = importAnswer()
    const wrapper = render()
    await pick(wrapper, 'clinic.csv', CSV)
    await wrapper.get('[data-testid="import-confirm"]').trigger('click')
    await flushPromises()
    expect(engine.seen).toEqual([{ format: 'csv', text: CSV }])
    expect(wrapper.find('[data-testid="import-preview"]').exists()).toBe(false)

    api.emit('contacts:importProgress', { done: 1, total: 4 })
    await flushPromises()
    expect(progress(wrapper).attributes('aria-valuenow')).toBe('25')
    expect(progress(wrapper).attributes('aria-valuetext')).toBe('1 of 4 entries')
    expect(wrapper.text()).toContain('Importing… 25%')
    expect(wrapper.get('[data-testid="import-close"]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('[data-testid="import-file"]').attributes('disabled')).toBeDefined()

    engine.finish({
      imported: 1,
      skipped: [
        { line: 3, reason: 'No name' },
        { line: 4, reason: 'Not a phone number: 12' },
      ],
    })
    await flushPromises()
    expect(progress(wrapper).attributes('aria-valuenow')).toBe('100')
    expect(wrapper.get('[data-testid="import-summary"]').text()).toMatch(/^Imported 1 contact, skipped 2\./)
    expect(wrapper.findAll('[data-testid="import-skipped"]').map((li) => li.text())).toEqual([
      'Line 3No name',
      'Line 4Not a phone number: 12',
    ])
    const close = wrapper.get('[data-testid="import-close"]')
    expect(close.text()).toBe('Done')
    await close.trigger('click')
    expect(wrapper.emitted('close')).toHaveLength(1)
  })

  it('imports a vCard at once, without a preview', async () => {
    const engine = importAnswer()
    const wrapper = render()
    await pick(wrapper, 'ana.vcf', VCF)
    expect(wrapper.find('[data-testid="import-preview"]').exists()).toBe(false)
    expect(engine.seen).toEqual([{ format: 'vcard', text: VCF }])
    engine.finish({ imported: 1, skipped: [] })
    await flushPromises()
    expect(wrapper.get('[data-testid="import-summary"]').text()).toBe('Imported 1 contact.')
  })

  it('reads a Windows spreadsheet export and says so', async () => {
    importAnswer()
    const wrapper = render()
    // "José" in Windows-1252: é is the single byte 0xE9, which is not valid UTF-8.
    await pick(wrapper, 'export.csv', new Uint8Array([...new TextEncoder().encode('name\nJos'), 0xe9, 0x0a]))
    expect(wrapper.get('[data-testid="import-encoding"]').text()).toBe('1 line · read as Windows (Western European)')
    expect(wrapper.get('[data-testid="import-preview-row"]').text()).toBe('José')
  })

  it("shows the engine's reason when the import is refused, and can be closed", async () => {
    const engine = importAnswer()
    const wrapper = render()
    await pick(wrapper, 'ana.vcf', VCF)
    engine.fail(new ApiRequestError({ code: 'invalid', message: 'The file has more than 10000 entries' }))
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('The file has more than 10000 entries')
    expect(wrapper.find('[data-testid="import-progress"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="import-close"]').text()).toBe('Cancel')
    await wrapper.get('[data-testid="import-close"]').trigger('click')
    expect(wrapper.emitted('close')).toHaveLength(1)
  })
})
