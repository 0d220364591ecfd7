import { describe, expect, it } from 'vitest'
import { parseWebhookPayload, type ParsedWebhook } from '../../../electron/core/whatsapp/webhook-parse'
import { fixture, webhookFixtureNames } from '../../helpers/fixtures'

function parsed(json: unknown) {
  const result: ParsedWebhook = parseWebhookPayload(json)
  if (!result.ok) throw new Error(`expected a parsed webhook, got: ${result.reason}`)
  return result
}
const parseFixture = (name: string) => parsed(fixture(name))
const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1)
  return items[0]
}

/** Wraps `value` objects in the envelope Meta sends. */
function envelope(...values: Record<string, unknown>[]) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: values.map((value) => ({
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
            ...value,
          },
        })),
      },
    ],
  }
}

describe('every published webhook fixture', () => {
  const names = webhookFixtureNames()

  it('covers the webhook fixtures on disk', () => {
    expect(names.length).toBeGreaterThanOrEqual(22)
  })

  it.each(names)('%s: every message, status, error and preference comes out, nothing skipped', (name) => {
    const raw = fixture(name)
    const result = parseFixture(name)
    let messages = 0
    let statuses = 0
    let errors = 0
    let preferences = 0
    for (const entry of raw.entry) {
      for (const change of entry.changes) {
        messages += change.value.messages?.length ?? 0
        statuses += change.value.statuses?.length ?? 0
        errors += change.value.errors?.length ?? 0
        preferences += change.value.user_preferences?.length ?? 0
      }
    }
    expect(result.skipped).toEqual([])
    expect(result.messages).toHaveLength(messages)
    expect(result.statuses).toHaveLength(statuses)
    expect(result.accountErrors).toHaveLength(errors)
    expect(result.preferences).toHaveLength(preferences)
    const rawMessages = raw.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value.messages ?? []))
    result.messages.forEach((message, i) => {
      const source = rawMessages[i]
      expect(message.providerId).toBe(source.id)
      expect(message.timestamp).toBe(Number(source.timestamp) * 1000)
      if (source.type === 'unsupported')
        expect(message).toMatchObject({ kind: 'unsupported', unsupportedType: source.unsupported?.type ?? 'unsupported' })
      else expect(message.kind).toBe(source.type)
    })
    const rawStatuses = raw.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value.statuses ?? []))
    result.statuses.forEach((status, i) => {
      expect(status).toMatchObject({ providerId: rawStatuses[i].id, status: rawStatuses[i].status })
      expect(status.bizOpaque).toBe(rawStatuses[i].biz_opaque_callback_data)
      expect(status.errors?.map((e) => e.code)).toEqual(rawStatuses[i].errors?.map((e: any) => e.code))
    })
  })
})

describe('inbound messages', () => {
  it('text: body, sender, profile name, time in ms and the receiving number', () => {
    const message = only(parseFixture('inbound-text.json').messages)
    expect(message).toEqual({
      providerId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      fromWaId: '16505551234',
      profileName: 'Sheena Nelson',
      timestamp: 1749416383_000,
      kind: 'text',
      text: 'Does it come in another color?',
      phoneNumberId: '106540352242922',
    })
  })

  it('text from a Click-to-WhatsApp ad keeps the ad referral', () => {
    const message = only(parseFixture('inbound-text-ctwa-referral.json').messages)
    expect(message.text).toBe('Can I get more info about this?')
    expect(message.referral).toMatchObject({
      sourceType: 'ad',
      sourceId: '120226305854810726',
      headline: 'Chat with us',
      sourceUrl: 'https://fb.me/3cr4Wqqkv',
    })
    expect(message.referral?.ctwaClid).toMatch(/^Aff-/)
  })

  it('a quote-reply points at the quoted message', () => {
    const message = only(parseFixture('inbound-reply-with-context.json').messages)
    expect(message).toMatchObject({ kind: 'text', text: 'replied text', context: { providerId: 'wamid.xyzxyz==', from: '972123456789' } })
  })

  it('image: media id, mime, hash, caption and the new direct url', () => {
    const message = only(parseFixture('inbound-image.json').messages)
    expect(message.kind).toBe('image')
    expect(message.text).toBe('Taj Mahal')
    expect(message.media).toEqual({
      id: '1003383421387256',
      mimeType: 'image/jpeg',
      sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=',
      caption: 'Taj Mahal',
      url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=133...',
    })
  })

  it('forwarded video keeps its caption and the forwarded mark', () => {
    const message = only(parseFixture('inbound-video-forwarded.json').messages)
    expect(message).toMatchObject({
      kind: 'video',
      media: { id: '765756756', mimeType: 'video/mp4', caption: 'caption' },
      context: { forwarded: true },
    })
  })

  it('document keeps its file name', () => {
    const message = only(parseFixture('inbound-document.json').messages)
    expect(message).toMatchObject({
      kind: 'document',
      media: { id: '1234567890987654321', filename: 'filename.pdf', mimeType: 'application/pdf' },
      context: { forwarded: true },
    })
  })

  it('a voice note is audio marked as voice', () => {
    const message = only(parseFixture('inbound-audio-voice.json').messages)
    expect(message).toMatchObject({ kind: 'audio', media: { id: '1234567890987654321', mimeType: 'audio/ogg; codecs=opus', voice: true } })
  })

  it('location keeps coordinates, name and address', () => {
    const message = only(parseFixture('inbound-location.json').messages)
    expect(message.kind).toBe('location')
    expect(message.location).toEqual({
      latitude: 37.44221496582,
      longitude: -122.16165924072,
      name: 'Philz Coffee',
      address: '101 Forest Ave, Palo Alto, CA 94301',
      url: 'https://philzcoffee.com/',
    })
  })

  it('shared contact cards are not mistaken for the sender profile', () => {
    const result = parseFixture('inbound-contacts.json')
    const message = only(result.messages)
    expect(message.kind).toBe('contacts')
    expect(message.profileName).toBe('Test Name')
    expect(message.sharedContacts?.map((c) => c.formattedName)).toEqual(['Chandler Bing', 'Monica', 'Rachel Green'])
    expect(message.sharedContacts?.[0].phones).toEqual([{ phone: '+1 555-555-5555', waId: '972987654321', type: 'CELL' }])
    expect(result.contacts).toEqual([{ waId: '972987654321', profileName: 'Test Name', phoneNumberId: '1122334455667' }])
  })

  it('a template quick-reply tap gives its payload and the template it belongs to', () => {
    const message = only(parseFixture('inbound-button-template-quick-reply.json').messages)
    expect(message).toMatchObject({
      kind: 'button',
      text: 'Unsubscribe',
      button: { payload: 'Unsubscribe', text: 'Unsubscribe' },
      context: { providerId: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=' },
    })
  })

  it('interactive reply-button and list taps give id and title', () => {
    expect(only(parseFixture('inbound-interactive-button-reply.json').messages)).toMatchObject({
      kind: 'interactive',
      interactive: { type: 'button_reply', id: 'cancel-button', title: 'Cancel' },
    })
    expect(only(parseFixture('inbound-interactive-list-reply.json').messages)).toMatchObject({
      kind: 'interactive',
      text: 'Priority Mail Express',
      interactive: { type: 'list_reply', id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' },
    })
  })

  it('a reaction names the message it reacts to', () => {
    const message = only(parseFixture('inbound-reaction.json').messages)
    expect(message.reaction).toEqual({ targetProviderId: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=', emoji: '👍' })
  })

  it('a removed reaction has emoji null, whether the key is missing or empty', () => {
    const reactionWith = (reaction: Record<string, unknown>) =>
      only(
        parsed(envelope({ messages: [{ from: '16505551234', id: 'wamid.R', timestamp: '1749419544', type: 'reaction', reaction }] }))
          .messages,
      )
    expect(reactionWith({ message_id: 'wamid.TARGET' }).reaction).toEqual({ targetProviderId: 'wamid.TARGET', emoji: null })
    expect(reactionWith({ message_id: 'wamid.TARGET', emoji: '' }).reaction).toEqual({ targetProviderId: 'wamid.TARGET', emoji: null })
  })

  it('a changed phone number gives the new wa_id', () => {
    const result = parseFixture('inbound-system-user-changed-number.json')
    const message = only(result.messages)
    expect(message).toMatchObject({
      kind: 'system',
      fromWaId: '16505551234',
      system: { type: 'user_changed_number', newWaId: '12195555358', body: 'User Sheena Nelson changed from 16505551234 to 12195555358' },
    })
    expect(result.contacts).toEqual([])
  })

  it('a changed business-scoped user id gives the old and new ids', () => {
    const message = only(
      parsed(
        envelope({
          messages: [
            {
              id: 'wamid.SYS',
              timestamp: '1750269342',
              type: 'system',
              system: { body: 'User changed', type: 'user_changed_user_id', user_id: 'US.NEW1', previous_user_id: 'US.OLD1' },
            },
          ],
        }),
      ).messages,
    )
    expect(message.fromWaId).toBeUndefined()
    expect(message.system).toEqual({ type: 'user_changed_user_id', userId: 'US.NEW1', previousUserId: 'US.OLD1', body: 'User changed' })
  })

  it('an unsupported message (e.g. an edit) is kept with its original type and error', () => {
    const message = only(parseFixture('inbound-unsupported.json').messages)
    expect(message).toMatchObject({ kind: 'unsupported', unsupportedType: 'edit' })
    expect(message.errors).toEqual([
      { code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.' },
    ])
  })

  it('an unknown or malformed type becomes unsupported instead of disappearing', () => {
    const result = parsed(
      envelope({
        messages: [
          { from: '16505551234', id: 'wamid.A', timestamp: '1', type: 'poll_creation', poll_creation: {} },
          { from: '16505551234', id: 'wamid.B', timestamp: '1', type: 'image', image: { caption: 'no id' } },
          { from: '16505551234', id: 'wamid.C', timestamp: '1', type: 'unknown' },
        ],
      }),
    )
    expect(result.messages.map((m) => [m.kind, m.unsupportedType])).toEqual([
      ['unsupported', 'poll_creation'],
      ['unsupported', 'image'],
      ['unsupported', 'unknown'],
    ])
  })

  it('a username user without a phone number is identified by user id and username', () => {
    const message = only(
      parsed(
        envelope({
          contacts: [{ profile: { name: 'Sheena', username: '@sheena' }, user_id: 'US.13491208655302741918' }],
          messages: [
            { from_user_id: 'US.13491208655302741918', id: 'wamid.U', timestamp: '1750000000', type: 'text', text: { body: 'hi' } },
          ],
        }),
      ).messages,
    )
    expect(message).toMatchObject({ fromUserId: 'US.13491208655302741918', profileName: 'Sheena', username: '@sheena', text: 'hi' })
    expect(message.fromWaId).toBeUndefined()
  })

  it('an order tells how many items and any note', () => {
    const message = only(
      parsed(
        envelope({
          messages: [
            {
              from: '16505551234',
              id: 'wamid.O',
              timestamp: '1',
              type: 'order',
              order: { catalog_id: 'c1', text: 'asap', product_items: [{}, {}] },
            },
          ],
        }),
      ).messages,
    )
    expect(message).toMatchObject({ kind: 'order', text: 'asap', order: { catalogId: 'c1', itemCount: 2 } })
  })
})

describe('statuses, errors and preferences', () => {
  it('sent, delivered and read statuses give the wamid, time and recipient', () => {
    expect(only(parseFixture('status-sent.json').statuses)).toEqual({
      providerId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
      status: 'sent',
      timestamp: 1750030073_000,
      recipientWaId: '16505551234',
      pricingCategory: 'marketing',
      phoneNumberId: '106540352242922',
    })
    expect(only(parseFixture('status-sent-v24-no-conversation.json').statuses)).toMatchObject({
      status: 'sent',
      recipientWaId: '16505551234',
    })
    const delivered = parseFixture('status-delivered.json')
    expect(only(delivered.statuses)).toMatchObject({
      providerId: 'ABGGFlA5Fpa',
      status: 'delivered',
      recipientUserId: 'US.13491208655302741918',
    })
    expect(only(delivered.contacts)).toEqual({
      waId: '16315551181',
      userId: 'US.13491208655302741918',
      parentUserId: 'US.11815799212886844830',
      profileName: 'test user name',
      username: '@testusername',
      phoneNumberId: '123456123',
    })
    expect(only(parseFixture('status-read.json').statuses)).toMatchObject({ status: 'read', timestamp: 1504902988_000 })
  })

  it('a failed status keeps its error for the plain-language reason', () => {
    const status = only(parseFixture('status-failed-131049.json').statuses)
    expect(status.status).toBe('failed')
    expect(status.errors).toEqual([
      {
        code: 131049,
        title: 'This message was not delivered to maintain healthy ecosystem engagement.',
        message: 'This message was not delivered to maintain healthy ecosystem engagement.',
        details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
        href: '/documentation/business-messaging/whatsapp/support/error-codes',
      },
    ])
  })

  it('a status echoes our message id from biz_opaque_callback_data', () => {
    const status = only(
      parsed(
        envelope({
          statuses: [
            {
              id: 'wamid.S',
              status: 'failed',
              timestamp: '1751142888',
              recipient_id: '16505551234',
              biz_opaque_callback_data: 'msg_42',
              errors: [{ code: 131047, title: 'Re-engagement message' }],
            },
          ],
        }),
      ).statuses,
    )
    expect(status).toMatchObject({ bizOpaque: 'msg_42', errors: [{ code: 131047, title: 'Re-engagement message' }] })
  })

  it('account-level errors are reported', () => {
    expect(only(parseFixture('value-errors-130429.json').accountErrors)).toEqual({
      code: 130429,
      title: 'Rate limit hit',
      message: 'Rate limit hit',
      details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time',
      href: '/documentation/business-messaging/whatsapp/support/error-codes',
      phoneNumberId: '106540352242922',
    })
  })

  it('a marketing stop/resume preference with its integer timestamp', () => {
    const result = parseFixture('user-preferences-resume.json')
    expect(only(result.preferences)).toEqual({
      waId: '16505551234',
      value: 'resume',
      category: 'marketing_messages',
      timestamp: 1731705721_000,
      phoneNumberId: '106540352242922',
    })
    expect(result.otherChanges).toEqual([])
  })
})

describe('batches and damage', () => {
  it('reads every entry, change, message and status in a batch', () => {
    const text = fixture('inbound-text.json').entry[0].changes[0].value
    const image = fixture('inbound-image.json').entry[0].changes[0].value
    const status = fixture('status-read.json').entry[0].changes[0].value
    const batch = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'A',
          changes: [
            { field: 'messages', value: text },
            { field: 'messages', value: { ...image, messages: [...image.messages, { ...image.messages[0], id: 'wamid.second' }] } },
          ],
        },
        {
          id: 'B',
          changes: [
            { field: 'messages', value: status },
            {
              field: 'message_template_status_update',
              value: { event: 'PAUSED', message_template_name: 'greenline_opt_in', message_template_language: 'en_US' },
            },
          ],
        },
      ],
    }
    const result = parsed(batch)
    expect(result.messages.map((m) => m.kind)).toEqual(['text', 'image', 'image'])
    expect(result.messages[2].providerId).toBe('wamid.second')
    expect(result.statuses.map((s) => s.status)).toEqual(['read'])
    expect(result.otherChanges).toEqual([])
    expect(result.templateUpdates).toEqual([{ name: 'greenline_opt_in', language: 'en_US', status: 'PAUSED' }])
  })

  it('one broken item is skipped with its location while its neighbours survive', () => {
    const result = parsed({
      object: 'whatsapp_business_account',
      entry: [
        'garbage',
        {
          id: 'A',
          changes: [
            { field: 'messages' },
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '1' },
                messages: [
                  { type: 'text', text: { body: 'no id' } },
                  { from: '16505551234', id: 'wamid.ok', timestamp: '2', type: 'text', text: { body: 'fine' } },
                ],
                statuses: [
                  { id: 'wamid.x', status: 'deleted', timestamp: '1' },
                  { id: 'wamid.y', status: 'delivered', timestamp: '1' },
                ],
              },
            },
          ],
        },
      ],
    })
    expect(result.messages.map((m) => m.text)).toEqual(['fine'])
    expect(result.statuses.map((s) => s.providerId)).toEqual(['wamid.y'])
    expect(result.skipped.map((s) => s.path)).toEqual([
      'entry[0]',
      'entry[1].changes[0]',
      'entry[1].changes[1].value.messages[0]',
      'entry[1].changes[1].value.statuses[0]',
    ])
  })

  it('a message with an unusable timestamp uses the delivery time when given, else is skipped', () => {
    const body = envelope({ messages: [{ from: '16505551234', id: 'wamid.T', timestamp: 'soon', type: 'text', text: { body: 'x' } }] })
    expect(parseWebhookPayload(body, { receivedAt: 1_000 })).toMatchObject({ ok: true, messages: [{ timestamp: 1_000 }] })
    expect(parsed(body).skipped).toHaveLength(1)
  })

  it('refuses bodies that are not WhatsApp webhooks, without throwing', () => {
    for (const body of [null, undefined, 'text', 42, [], {}, { entry: 'x' }, { object: 'page', entry: [] }]) {
      const result = parseWebhookPayload(body)
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.reason).toMatch(/webhook/)
    }
  })
})

describe('@security sender identifiers', () => {
  it('refuses a sender that is not a WhatsApp id or a BSUID, keeps the rest of the batch', () => {
    const result = parsed(
      envelope({
        contacts: [{ profile: { name: 'Eve\nMallory' }, wa_id: '16505551234' }],
        messages: [
          { from: '+PHONE_NUMBER', id: 'wamid.bad', timestamp: '1', type: 'text', text: { body: 'x' } },
          { from_user_id: '<script>', id: 'wamid.bad2', timestamp: '1', type: 'text', text: { body: 'x' } },
          { from: '16505551234', id: 'wamid.good', timestamp: '1', type: 'text', text: { body: 'ok' } },
        ],
      }),
    )
    expect(result.messages.map((m) => [m.providerId, m.profileName])).toEqual([['wamid.good', 'Eve Mallory']])
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'message whose sender (from) is not a valid WhatsApp id',
      'message whose sender (from_user_id) is not a valid WhatsApp id',
    ])
  })
})
