import { ControlError, type SandboxContext } from './context'
import { GraphError } from './graph-errors'
import { normalizePhone } from './phone'
import type { TemplateDefinition } from './templates'

/**
 * What a business number lives through beyond the happy path, switchable from the control API so
 * tests and demos can reproduce it: template states Meta sets (approved, paused for low quality,
 * disabled, rejected), account-wide failures (policy restriction, lock, expired token), and
 * per-user refusals (marketing limits, marketing opt-out, experiments).
 */

export const TEMPLATE_STATUSES = ['APPROVED', 'PAUSED', 'DISABLED', 'REJECTED', 'PENDING'] as const
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number]

/** Account-wide errors `POST /sandbox/account` can switch on: every Graph call fails with one. */
export const ACCOUNT_ERRORS = [368, 131031, 190, 131042] as const
export type AccountError = (typeof ACCOUNT_ERRORS)[number]

/** Per-user refusals `POST /sandbox/users/:phone/failure` can switch on (a `failed` status webhook). */
export const USER_FAILURES = [131049, 131050, 130472] as const
export type UserFailure = (typeof USER_FAILURES)[number]

const ACCOUNT_DETAILS: Record<AccountError, { details: string; httpStatus: number }> = {
  368: { details: 'The WhatsApp Business Account is restricted for violating a policy.', httpStatus: 403 },
  131031: { details: 'Business Account locked: the account has been locked.', httpStatus: 403 },
  190: { details: 'Error validating access token: Session has expired.', httpStatus: 401 },
  131042: { details: 'Business eligibility payment issue: there was an error related to your payment method.', httpStatus: 400 },
}

export const USER_FAILURE_DETAILS: Record<UserFailure, string> = {
  131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
  131050: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
  130472: "User's number is part of an experiment.",
}

export class SandboxOperations {
  private accountError: AccountError | null = null
  private readonly userFailures = new Map<string, UserFailure>()
  /** Keyed `name` (every language) or `name:language` (one translation, which wins). */
  private readonly templateStatus = new Map<string, TemplateStatus>()

  /** Throws the account-wide error that is switched on, if any (every Graph route asks first). */
  checkAccount(): void {
    if (this.accountError === null) return
    const { details, httpStatus } = ACCOUNT_DETAILS[this.accountError]
    throw new GraphError(this.accountError, details, httpStatus)
  }

  get account(): { error: AccountError | null } {
    return { error: this.accountError }
  }

  setAccountError(error: AccountError | null): void {
    this.accountError = error
  }

  userFailure(phone: string): UserFailure | undefined {
    return this.userFailures.get(phone)
  }

  setUserFailure(phone: string, error: UserFailure | null): void {
    if (error === null) this.userFailures.delete(phone)
    else this.userFailures.set(phone, error)
  }

  statusOf(template: TemplateDefinition): TemplateStatus {
    return this.templateStatus.get(`${template.name}:${template.language}`) ?? this.templateStatus.get(template.name) ?? template.status
  }

  /** One translation of `name` when `language` is given, else every one of them. */
  setTemplateStatus(name: string, status: TemplateStatus, language?: string): void {
    if (language) {
      this.templateStatus.set(`${name}:${language}`, status)
      return
    }
    for (const key of [...this.templateStatus.keys()]) if (key.startsWith(`${name}:`)) this.templateStatus.delete(key)
    this.templateStatus.set(name, status)
  }
}

/** The send-time refusal Meta gives for a template in this state; undefined when it may be sent. */
export function templateStatusError(name: string, language: string, status: TemplateStatus): GraphError | undefined {
  switch (status) {
    case 'APPROVED':
      return undefined
    case 'PAUSED':
      return new GraphError(132015, `Template ${name} is paused due to low quality.`)
    case 'DISABLED':
      return new GraphError(132016, `Template ${name} has been disabled.`)
    default:
      return new GraphError(132001, `template name (${name}) does not exist in ${language} or is not approved`)
  }
}

/** `POST /sandbox/account { error }`. */
export function setAccountRoute(ctx: SandboxContext, body: unknown): { error: AccountError | null } {
  const error = (body as { error?: unknown } | null)?.error
  if (error !== null && !ACCOUNT_ERRORS.includes(error as AccountError))
    throw new ControlError(400, `error must be one of ${ACCOUNT_ERRORS.join(', ')} or null`)
  ctx.operations.setAccountError(error as AccountError | null)
  return ctx.operations.account
}

/** `POST /sandbox/users/:phone/failure { error }`. */
export function setUserFailureRoute(ctx: SandboxContext, rawPhone: string, body: unknown): { phone: string; error: UserFailure | null } {
  const phone = normalizePhone(rawPhone)
  if (!phone || !ctx.directory.get(phone)) throw new ControlError(404, 'No such sandbox user')
  const error = (body as { error?: unknown } | null)?.error
  if (error !== null && !USER_FAILURES.includes(error as UserFailure))
    throw new ControlError(400, `error must be one of ${USER_FAILURES.join(', ')} or null`)
  ctx.operations.setUserFailure(phone, error as UserFailure | null)
  return { phone, error: error as UserFailure | null }
}

/**
 * `POST /sandbox/templates/:name { status, language? }`: Meta changes a template's state; every
 * language of it moves (or the one `language` names), and a `message_template_status_update`
 * webhook per translation tells the business, as Meta does.
 */
export function setTemplateRoute(
  ctx: SandboxContext,
  templates: readonly TemplateDefinition[],
  name: string,
  body: unknown,
): { name: string; status: TemplateStatus } {
  const language = (body as { language?: unknown } | null)?.language
  if (language !== undefined && typeof language !== 'string') throw new ControlError(400, 'language must be a string such as pt_BR')
  const matching = templates.filter((t) => t.name === name && (language === undefined || t.language === language))
  if (matching.length === 0) throw new ControlError(404, `No template named ${name}${language ? ` in ${language}` : ''}`)
  const status = (body as { status?: unknown } | null)?.status
  if (!TEMPLATE_STATUSES.includes(status as TemplateStatus))
    throw new ControlError(400, `status must be one of ${TEMPLATE_STATUSES.join(', ')}`)
  ctx.operations.setTemplateStatus(name, status as TemplateStatus, language)
  for (const template of matching) ctx.webhooks.enqueue('whatsapp', templateStatusPayload(ctx, template, status as TemplateStatus))
  return { name, status: status as TemplateStatus }
}

/** Meta's `message_template_status_update` change (field and value as in its webhook reference). */
function templateStatusPayload(ctx: SandboxContext, template: TemplateDefinition, status: TemplateStatus): object {
  const reason = status === 'PAUSED' ? 'LOW_QUALITY' : status === 'REJECTED' ? 'INVALID_FORMAT' : 'NONE'
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: ctx.business.wabaId,
        time: Math.floor(ctx.clock.now() / 1000),
        changes: [
          {
            field: 'message_template_status_update',
            value: {
              event: status,
              message_template_id: templateId(template),
              message_template_name: template.name,
              message_template_language: template.language,
              reason,
            },
          },
        ],
      },
    ],
  }
}

/** A stable numeric id per template name and language, like Meta's. */
export function templateId(template: Pick<TemplateDefinition, 'name' | 'language'>): number {
  let hash = 0
  for (const char of `${template.name}:${template.language}`) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_007
  return 1_000_000_000_000 + hash
}
