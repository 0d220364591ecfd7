import type { Result } from '../shared/api/result'
import type { Contact } from '../shared/domain'

type Requests = { request(channel: string, payload: unknown): Promise<Result<unknown>> }

/**
 * The contact with this E.164 number as the team server knows it (its address book, not this
 * computer's), through the contract's `contacts:list` search; an exact number match only.
 * Answers undefined when nobody saved it, and the request's failure when it could not ask.
 */
export async function contactByPhone(client: Requests, e164: string): Promise<Result<Contact | undefined>> {
  const found = await client.request('contacts:list', { query: e164 })
  if (!found.ok) return found
  return { ok: true, value: (found.value as Contact[]).find((contact) => contact.phone === e164) }
}
