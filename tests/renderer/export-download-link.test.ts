// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { default: ExportPanel } = await import('../../src/components/compliance/ExportPanel.vue')

async function runExport(outDir: string) {
  setActivePinia(createPinia())
  api.answer({ 'export:run': { outDir, messages: 3, conversations: 1 } })
  const wrapper = mount(ExportPanel, { global: { plugins: [createPinia()] } })
  await wrapper.get('[data-testid="export-run"]').trigger('submit')
  await flushPromises()
  return wrapper
}

afterEach(() => api.reset())

describe('the export panel', () => {
  it('offers the archive written on the server as a zip download in a browser', async () => {
    const wrapper = await runExport('/var/lib/greenline/exports/greenline-export-20260125T090000Z')
    expect(wrapper.get('[data-testid="export-result"]').text()).toContain('Exported 3 messages from 1 conversations')
    const link = wrapper.get('[data-testid="export-download"]')
    expect(link.attributes('href')).toBe('/exports/greenline-export-20260125T090000Z')
    expect(link.attributes('download')).toBeDefined()
  })

  it('takes the folder name from a Windows path too', async () => {
    const wrapper = await runExport('C:\\ProgramData\\Greenline\\exports\\greenline-export-20260125T090000Z-2')
    expect(wrapper.get('[data-testid="export-download"]').attributes('href')).toBe('/exports/greenline-export-20260125T090000Z-2')
  })

  it('shows only the folder in the desktop app, where the archive is already on this computer', async () => {
    api.desktop = true
    const wrapper = await runExport('/home/priya/.config/Greenline/exports/greenline-export-20260125T090000Z')
    expect(wrapper.get('[data-testid="export-result"]').text()).toContain('greenline-export-20260125T090000Z')
    expect(wrapper.find('[data-testid="export-download"]').exists()).toBe(false)
  })
})
