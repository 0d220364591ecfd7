import { afterEach, describe, expect, it } from 'vitest'
import { startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

describe('@operations templates:list reads the account templates over real HTTP', () => {
  it('lists the approved opt-in template with its body, and shows a state WhatsApp changed', async () => {
    h = await startEngineHarness()
    const before = await h.as('priya')('templates:list', {})
    expect(before[0]).toEqual({
      name: 'greenline_opt_in',
      language: 'en_US',
      status: 'APPROVED',
      category: 'utility',
      body: 'Hello! {{1}} would like to send you messages on WhatsApp. Reply or tap a button.',
      quickReplies: ['Yes', 'No'],
    })
    expect(before.find((t) => t.name === 'appointment_reminder')).toEqual({
      name: 'appointment_reminder',
      language: 'en_US',
      status: 'APPROVED',
      category: 'utility',
      body: 'Hello {{1}}, this is a reminder of your appointment on {{2}}. Reply to confirm or reschedule.',
    })
    // Translations are templates of the same name, each with its own state.
    expect(before.filter((t) => t.name === 'greenline_opt_in').map((t) => [t.language, t.status])).toEqual([
      ['en_US', 'APPROVED'],
      ['pt_BR', 'APPROVED'],
      ['es', 'APPROVED'],
      ['fr', 'REJECTED'],
    ])
    const response = await fetch(`${h.sandbox.url}/sandbox/templates/greenline_opt_in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'PAUSED' }),
    })
    expect(response.status).toBe(200)
    await h.settle()
    expect((await h.as('priya')('templates:list', {}))[0].status).toBe('PAUSED')
    const unknown = await fetch(`${h.sandbox.url}/sandbox/templates/nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'PAUSED' }),
    })
    expect(unknown.status).toBe(404)
  })

  it('says why when the account refuses (190)', async () => {
    h = await startEngineHarness()
    await fetch(`${h.sandbox.url}/sandbox/account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: 190 }),
    })
    const result = await h.raw('priya', 'templates:list', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/token has expired/) } })
  })
})
