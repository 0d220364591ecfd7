import type { SimUser } from './directory'

/** The business side of every payload: WABA id and phone number metadata. */
export interface BusinessIdentity {
  wabaId: string
  phoneNumberId: string
  displayPhoneNumber: string
  /** The verified display name WhatsApp shows in the chat header. */
  name: string
}

export interface Pricing {
  billable: boolean
  pricing_model: 'PMP'
  type: 'regular' | 'free_customer_service'
  category: string
}

export function pricingFor(isTemplate: boolean, category = 'utility'): Pricing {
  return isTemplate
    ? { billable: true, pricing_model: 'PMP', type: 'regular', category }
    : { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' }
}

/** Unix seconds as a string, as in Meta's `timestamp` fields. */
export function seconds(ms: number): string {
  return String(Math.floor(ms / 1000))
}

function envelope(business: BusinessIdentity, value: Record<string, unknown>): object {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: business.wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: business.displayPhoneNumber, phone_number_id: business.phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  }
}

export function contactOf(user: SimUser): object {
  // A username-only user's number is never shown to the business.
  if (user.username) return { profile: { name: user.name, username: user.username }, user_id: user.userId }
  return { profile: { name: user.name }, wa_id: user.waId, user_id: user.userId }
}

export interface StatusEvent {
  wamid: string
  status: 'sent' | 'delivered' | 'read' | 'failed'
  at: number
  recipientId: string
  /** Left out of failed statuses for messages sent to a phone number, as Meta does. */
  recipientUserId?: string
  /** Contacts appear on sent/delivered/read, never on failed. */
  user?: SimUser
  bizOpaqueCallbackData?: string
  pricing?: Pricing
  errors?: object[]
}

/** A `statuses[]` webhook in the v24+ shape (no `conversation` object). */
export function statusPayload(business: BusinessIdentity, event: StatusEvent): object {
  const status: Record<string, unknown> = {
    id: event.wamid,
    status: event.status,
    timestamp: seconds(event.at),
  }
  // A username-only user is known to the business by user id alone.
  if (!event.user?.username) status.recipient_id = event.recipientId
  if (event.recipientUserId) status.recipient_user_id = event.recipientUserId
  if (event.bizOpaqueCallbackData !== undefined) status.biz_opaque_callback_data = event.bizOpaqueCallbackData
  if (event.pricing) status.pricing = event.pricing
  if (event.errors) status.errors = event.errors
  const value: Record<string, unknown> = { statuses: [status] }
  if (event.user && event.status !== 'failed') value.contacts = [contactOf(event.user)]
  return envelope(business, value)
}

/** An inbound `messages[]` webhook from one user; `message` holds the type-specific fields. */
export function inboundPayload(
  business: BusinessIdentity,
  user: SimUser,
  wamid: string,
  at: number,
  message: Record<string, unknown>,
): object {
  return envelope(business, {
    contacts: [contactOf(user)],
    messages: [{ ...(user.username ? {} : { from: user.waId }), from_user_id: user.userId, id: wamid, timestamp: seconds(at), ...message }],
  })
}
