import type { Conversation } from '../../electron/shared/domain'

/** The renderer tests' fixed "now". */
export const FIXTURE_NOW = 1_700_000_000_000

/** An active, consented one-to-one WhatsApp thread with Ana Souza, as the engine lists it; `fields` change what a test is about. */
export function aConversation(fields: Partial<Conversation> = {}): Conversation {
  return {
    id: 'v1',
    contactId: 'c1',
    contactName: 'Ana Souza',
    channel: 'whatsapp',
    state: 'active',
    consent: 'granted',
    participants: [],
    unread: 0,
    lastActivityAt: FIXTURE_NOW,
    createdAt: FIXTURE_NOW,
    asOf: FIXTURE_NOW,
    ...fields,
  }
}
