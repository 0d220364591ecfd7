import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startHarness, type Harness } from './harness'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

describe('phone simulator and control API', () => {
  it('serves the simulator page with every control and a strict CSP', async () => {
    const page = await fetch(`${h.sandbox.url}/`)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const html = await page.text()
    for (const id of [
      'sim-user-select',
      'sim-compose',
      'sim-send',
      'sim-stop',
      'sim-read',
      'sim-clock-1h',
      'sim-clock-25h',
      'sim-clock-now',
      'sim-photo-input',
      'sim-sms',
      'sim-voicemail',
    ])
      expect(html).toContain(`data-testid="${id}"`)
    expect(html).not.toMatch(/\son[a-z]+=/)
    const script = await (await fetch(`${h.sandbox.url}/simulator.js`)).text()
    expect(script).toContain('sim-consent-yes')
    expect(script).not.toContain('innerHTML')
  })

  it('lists the demo users and adds one', async () => {
    const users = (await h.control('GET', '/users')).body
    expect(users.map((u: any) => [u.phone, u.name, u.onWhatsApp])).toEqual([
      ['+14155550101', 'Ana Souza', true],
      ['+14155550102', 'Ben Okafor', true],
      ['+14155550103', 'Chloé Martin', true],
      ['+14155550199', 'Dan Notonwa', false],
    ])
    const added = await h.control('POST', '/users', { phone: '+351912345678', name: 'Eva Lima' })
    expect(added.status).toBe(201)
    expect(added.body).toMatchObject({ phone: '+351912345678', onWhatsApp: true, userId: expect.stringMatching(/^PT\.\d{13}$/) })
    expect((await h.control('POST', '/users', { phone: '12', name: 'x' })).status).toBe(400)
  })

  it('moves the shared clock forward', async () => {
    const before = (await h.control('GET', '/clock')).body.now
    const after = (await h.control('POST', '/clock', { advanceMs: 3600_000 })).body.now
    expect(after - before).toBe(3600_000)
    expect(h.clock.now()).toBe(after)
  })

  it('refuses control posts that are not JSON', async () => {
    const response = await fetch(`${h.sandbox.url}/sandbox/clock`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"advanceMs":1}',
    })
    expect(response.status).toBe(415)
  })
})
