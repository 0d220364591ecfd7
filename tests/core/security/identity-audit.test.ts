import { afterEach, describe, expect, it } from 'vitest'
import { ANA, inboundTextWebhook, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'
import { fixtureText } from '../../helpers/fixtures'

/** Issue 16, item 1: a contact's identity changed by WhatsApp itself is audited with before and after too. */
let h: EngineHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const auditRows = (harness: EngineHarness, action: string) =>
  (
    harness.engine.db.prepare(`SELECT actor_id, detail FROM audit_log WHERE action = ? ORDER BY seq`).all(action) as Array<{
      actor_id: string | null
      detail: string
    }>
  ).map((row) => ({ actor: row.actor_id, detail: JSON.parse(row.detail) as Record<string, unknown> }))

describe('@security contacts: identity changes that come from WhatsApp', () => {
  it('a "changed their number" notice is audited with the number before and after', async () => {
    h = await startEngineHarness()
    const { contact } = await h.openChat('+16505551234', 'Sheena Nelson')
    expect((await h.postWebhook(fixtureText('inbound-system-user-changed-number.json'))).status).toBe(200)
    await h.settle()
    expect(auditRows(h, 'whatsapp.user_changed_number')).toEqual([
      {
        actor: null,
        detail: expect.objectContaining({
          contactId: contact.id,
          before: { phone: '+16505551234', waId: '16505551234', userId: null },
          after: { phone: '+12195555358', waId: '12195555358', userId: null },
        }),
      },
    ])
  })

  it('a sender whose WhatsApp ids differ from the saved ones is audited with before and after', async () => {
    h = await startEngineHarness()
    const { contact } = await h.openChat(ANA, 'Ana Souza')
    const webhook = inboundTextWebhook({
      waId: ANA.slice(1),
      userId: 'US.AnaScopedId42',
      id: 'wamid.IDENTITY1',
      text: 'hi',
      at: h.clock.now(),
    })
    expect((await h.postWebhook(webhook)).status).toBe(200)
    await h.settle()
    expect(auditRows(h, 'contact.identity_changed')).toEqual([
      {
        actor: null,
        detail: expect.objectContaining({
          contactId: contact.id,
          via: 'whatsapp',
          before: expect.objectContaining({ userId: null }),
          after: expect.objectContaining({ waId: ANA.slice(1), userId: 'US.AnaScopedId42' }),
        }),
      },
    ])
  })
})
