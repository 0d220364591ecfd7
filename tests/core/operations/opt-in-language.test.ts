import { afterEach, describe, expect, it } from 'vitest'
import { upsertAccount } from '../../../electron/core/db/repositories/accounts'
import { orgPolicySchema } from '../../../electron/core/org/org-policy'
import { DEMO_USERS } from '../../../electron/launcher/demo-org'
import { ANA, BEN, CHLOE, RequestFailed, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

const DIETER = '+14155550104'

const orgWith = (defaultLanguage?: string) =>
  orgPolicySchema.parse({ name: 'Clínica Sorriso', users: DEMO_USERS, ...(defaultLanguage ? { defaultLanguage } : {}) })

/** Greenline reads the account's templates as it starts; the office opens once that is done. */
async function start(defaultLanguage?: string): Promise<void> {
  h = await startEngineHarness({ org: orgWith(defaultLanguage) })
  await h.settle()
}

async function control(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${h.sandbox.url}/sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
  await h.settle()
}

/** Saves the contact with a language, as the contact form does, and starts the chat (the request goes). */
async function ask(phone: string, name: string, language?: string) {
  const contact = await h.as('priya')('contacts:create', { name, phone, ...(language ? { language } : {}) })
  const conversation = await h.as('priya')('conversations:start', { contactId: contact.id, channel: 'whatsapp', requestConsent: true })
  await h.drain()
  return { contact, conversation }
}

/** What reached the person's phone: the template's name and translation, and the text they read. */
const received = (phone: string) => h.sandbox.deliveries(phone).map((d) => [d.template?.name, d.template?.language, d.text])

describe('@operations the opt-in request in the contact’s language, over real HTTP against the sandbox', () => {
  it('a pt_BR contact gets the pt_BR translation; the thread shows the text she reads; Sim counts as yes', async () => {
    await start()
    // Typed as people and spreadsheets write it; kept as WhatsApp codes it.
    const { contact, conversation } = await ask(ANA, 'Ana Souza', 'pt-br')
    expect(contact.language).toBe('pt_BR')

    const text = 'Olá! Clínica Sorriso gostaria de enviar mensagens para você pelo WhatsApp. Responda ou toque em um botão.'
    expect(received(ANA)).toEqual([['greenline_opt_in', 'pt_BR', text]])
    const request = (await h.thread(conversation.id)).find((m) => m.kind === 'template')!
    expect(request.text).toBe(text)
    expect(h.sandbox.deliveries(ANA)[0].buttons?.map((b) => [b.text, b.payload])).toEqual([
      ['Sim', 'CONSENT_YES'],
      ['Não', 'CONSENT_NO'],
    ])

    h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
    await h.drain()
    expect((await h.as('priya')('conversations:get', { id: conversation.id })).consent).toBe('granted')
  })

  it('a language with no approved translation falls back: es_MX → es, de → the org’s pt_BR, none → the org’s pt_BR', async () => {
    await start('pt_BR')
    h.sandbox.addUser({ phone: DIETER, name: 'Dieter Braun' })
    await ask(BEN, 'Ben Okafor', 'es_MX')
    await ask(CHLOE, 'Chloé Martin', 'de')
    await ask(DIETER, 'Dieter Braun')
    expect(received(BEN)).toEqual([
      ['greenline_opt_in', 'es', '¡Hola! Clínica Sorriso quiere enviarle mensajes por WhatsApp. Responda o toque un botón.'],
    ])
    expect(received(CHLOE).map(([, language]) => language)).toEqual(['pt_BR'])
    expect(received(DIETER).map(([, language]) => language)).toEqual(['pt_BR'])
    // Nothing was refused by WhatsApp on the way: each choice was an approved translation.
    expect(h.sends.every((s) => s.outcome === 'ok')).toBe(true)
  })

  it('without an org default language, a German contact ends the chain in English', async () => {
    await start()
    await ask(CHLOE, 'Chloé Martin', 'de_AT')
    expect(received(CHLOE).map(([, language]) => language)).toEqual(['en_US'])
  })

  it('a rejected or paused translation is never chosen; with none approved the request waits and says why', async () => {
    await start()
    // The French translation was rejected when it was submitted.
    await ask(CHLOE, 'Chloé Martin', 'fr')
    expect(received(CHLOE).map(([, language]) => language)).toEqual(['en_US'])

    // WhatsApp pauses the Brazilian translation only (its status webhook tells Greenline).
    await control('templates/greenline_opt_in', { status: 'PAUSED', language: 'pt_BR' })
    await ask(ANA, 'Ana Souza', 'pt_BR')
    expect(received(ANA).map(([, language]) => language)).toEqual(['en_US'])
    expect(h.sends.some((s) => s.code === 132015)).toBe(false)

    // Every translation paused: nothing is sent with it, and the office user is told why.
    await control('templates/greenline_opt_in', { status: 'PAUSED' })
    const { conversation } = await ask(BEN, 'Ben Okafor', 'es')
    expect(h.sandbox.deliveries(BEN)).toEqual([])
    const lines = (await h.thread(conversation.id)).filter((m) => m.direction === 'system').map((m) => m.text)
    expect(lines.at(-1)).toMatch(/^The consent request template is paused by WhatsApp — ask your admin\./)
    await control('templates/greenline_opt_in', { status: 'APPROVED' })
    await h.as('priya')('conversations:requestConsent', { id: conversation.id })
    await h.drain()
    expect(received(BEN).map(([, language]) => language)).toEqual(['es'])
  })

  it('the admin picks the opt-in template; members cannot; the choice is audited and outlives a restart', async () => {
    await start()
    upsertAccount(h.engine.db, { userId: 'alex', name: 'Alex Morgan', role: 'admin', now: h.clock.now() })
    upsertAccount(h.engine.db, { userId: 'priya', name: 'Priya Shah', role: 'member', now: h.clock.now() })
    expect(await h.as('priya')('templates:optIn', {})).toMatchObject({
      name: 'greenline_opt_in',
      source: 'settings',
      approvedLanguages: ['en_US', 'pt_BR', 'es'],
    })

    const refused = await h.raw('priya', 'templates:setOptIn', { name: 'greenline_consent_v2' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    // Two variables and no buttons cannot ask for consent: said in words, nothing changes.
    const unfit = h.as('alex')('templates:setOptIn', { name: 'appointment_reminder' })
    await expect(unfit).rejects.toBeInstanceOf(RequestFailed)
    await expect(unfit).rejects.toThrow(/exactly one variable/)

    const chosen = await h.as('alex')('templates:setOptIn', { name: 'greenline_consent_v2' })
    expect(chosen).toMatchObject({
      name: 'greenline_consent_v2',
      source: 'admin',
      chosenBy: 'alex',
      chosenAt: expect.any(Number),
      approvedLanguages: ['en_US', 'pt_BR'],
    })
    expect(chosen.problem).toBeUndefined()
    const audit = h.engine.db
      .prepare(`SELECT actor_id AS actorId, detail FROM audit_log WHERE action = 'whatsapp.opt_in_template_chosen'`)
      .all() as Array<{ actorId: string; detail: string }>
    expect(audit.map((row) => [row.actorId, JSON.parse(row.detail)])).toEqual([
      ['alex', { from: 'greenline_opt_in', to: 'greenline_consent_v2' }],
    ])

    await ask(ANA, 'Ana Souza', 'pt_BR')
    expect(received(ANA)).toEqual([
      [
        'greenline_consent_v2',
        'pt_BR',
        'Oi! Clínica Sorriso gostaria de manter você informado aqui pelo WhatsApp. Podemos enviar mensagens?',
      ],
    ])

    await h.stopEngine()
    await h.restart()
    await h.settle()
    expect(await h.as('priya')('templates:optIn', {})).toMatchObject({ name: 'greenline_consent_v2', source: 'admin' })
    await ask(BEN, 'Ben Okafor', 'es')
    // No Spanish translation of the chosen template: the chain ends in English.
    expect(received(BEN).map(([name, language]) => [name, language])).toEqual([['greenline_consent_v2', 'en_US']])
  })

  it('a language that is not a code is refused with why, on the form and in a CSV import, and nothing is lost', async () => {
    await start()
    const bad = h.as('priya')('contacts:create', { name: 'Ana Souza', phone: ANA, language: 'Portuguese' })
    await expect(bad).rejects.toThrow(/"Portuguese" is not a language code such as pt_BR/)
    const summary = await h.as('priya')('contacts:import', {
      format: 'csv',
      text: 'Name,Phone,Language\nAna Souza,+14155550101,pt-BR\nBen Okafor,+14155550102,Klingon\nChloé Martin,+14155550103,\n',
    })
    expect(summary).toEqual({
      imported: 2,
      skipped: [
        {
          line: 3,
          reason: '"Klingon" is not a language code such as pt_BR, es or en_US',
          text: { code: 'contact.notALanguage', params: { language: 'Klingon' } },
        },
      ],
    })
    const contacts = await h.as('priya')('contacts:list', {})
    expect(contacts.map((c) => [c.name, c.language])).toEqual([
      ['Ana Souza', 'pt_BR'],
      ['Chloé Martin', undefined],
    ])
    const ana = contacts[0]
    const edited = await h.as('priya')('contacts:update', { id: ana.id, name: ana.name, phone: ana.phone, language: 'es' })
    expect(edited.language).toBe('es')
  })
})
