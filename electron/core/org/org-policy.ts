import { readFileSync } from 'node:fs'
import { z } from 'zod'

/**
 * The organization policy file (JSON): who the org's users are, whether the WhatsApp connector
 * is on, and the rules the engine applies. Validated whole at start: a bad file never starts the
 * app with a half-read policy.
 */
const orgUserSchema = z
  .object({
    id: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[\w.-]+$/, 'must be letters, digits, dot, dash or underscore'),
    name: z.string().trim().min(1).max(200),
    extension: z.string().trim().max(20).optional(),
  })
  .strict()

const lexiconRuleSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    pattern: z
      .string()
      .min(1)
      .max(1000)
      .refine((p) => {
        try {
          new RegExp(p)
          return true
        } catch {
          return false
        }
      }, 'is not a valid regular expression'),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'may only use the flags i, m, s and u')
      .optional(),
    action: z.enum(['warn', 'block']),
    reason: z.string().trim().min(1).max(500),
  })
  .strict()
  .superRefine((rule, ctx) => {
    // A pattern valid without flags can still be refused with them (e.g. `\-` under `u`).
    try {
      new RegExp(rule.pattern, rule.flags)
    } catch {
      ctx.addIssue({ code: 'custom', path: ['flags'], message: 'do not work with this pattern' })
    }
  })

export const orgPolicySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    defaultRegion: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be a two-letter country code like US')
      .default('US'),
    /**
     * The language most of the office's contacts read (WhatsApp's codes: `pt_BR`, `es`, `en_US`):
     * the opt-in request's translation for a contact whose own language has none approved.
     */
    defaultLanguage: z
      .string()
      .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a WhatsApp language code like pt_BR, es or en_US')
      .optional(),
    users: z.array(orgUserSchema).min(1, 'must list at least one user'),
    whatsapp: z
      .object({ enabled: z.boolean().default(true), businessName: z.string().trim().min(1).max(100).optional() })
      .passthrough()
      .default({ enabled: true }),
    /** Regulated offices can require an explicit opt-in even when the WhatsApp user wrote first. */
    consent: z
      .object({ requireOptInForUserInitiated: z.boolean().default(false) })
      .strict()
      .default({ requireOptInForUserInitiated: false }),
    /**
     * Who may change a contact's number (which changes who its WhatsApp threads reach):
     * `participants` (default) — whoever takes part in every open WhatsApp thread with it, and
     * administrators; `admins` — administrators of the team server only.
     */
    contacts: z
      .object({ numberChanges: z.enum(['participants', 'admins']).default('participants') })
      .strict()
      .default({ numberChanges: 'participants' }),
    consentKeywords: z
      .object({
        affirm: z.array(z.string().min(1)).optional(),
        decline: z.array(z.string().min(1)).optional(),
        stop: z.array(z.string().min(1)).optional(),
        restart: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),
    /** How outbound text is attributed in a thread with several office users. */
    attribution: z
      .string()
      .refine((f) => f.includes('{name}') && f.includes('{text}'), 'must contain {name} and {text}')
      .default('*{name}*: {text}'),
    retention: z
      .object({ messagesDays: z.number().int().positive().optional(), mediaDays: z.number().int().positive().optional() })
      .strict()
      .optional(),
    lexicon: z.array(lexiconRuleSchema).default([]),
    /** Who carries SMS and voicemail (secrets are not here: admin settings or the environment). */
    sms: z
      .object({
        provider: z.enum(['sandbox', 'twilio', 'webhook']).default('sandbox'),
        twilio: z
          .object({
            accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID (AC followed by 32 hex digits)'),
            apiKeySid: z
              .string()
              .regex(/^(SK|AC)[0-9a-fA-F]{32}$/, 'must be an API key SID (SK…) or the account SID')
              .optional(),
            from: z
              .string()
              .regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, like +14155550123')
              .optional(),
            messagingServiceSid: z
              .string()
              .regex(/^MG[0-9a-fA-F]{32}$/, 'must be a messaging service SID (MG…)')
              .optional(),
          })
          .strict()
          .optional(),
        webhook: z
          .object({ url: z.string().url('must be an http(s) URL') })
          .strict()
          .optional(),
        /** The provider's throughput for this number (Twilio: 1 per second for a long code). */
        messagesPerSecond: z.number().positive().max(1000).optional(),
      })
      .strict()
      .default({ provider: 'sandbox' }),
    limits: z
      .object({
        messagesPerSecond: z.number().positive().max(1000).optional(),
        pairBurst: z.number().int().positive().max(1000).optional(),
        pairRefillMs: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const seen = new Set<string>()
    policy.users.forEach((user, index) => {
      if (seen.has(user.id)) ctx.addIssue({ code: 'custom', path: ['users', index, 'id'], message: `is a duplicate (${user.id})` })
      seen.add(user.id)
    })
  })

export type OrgPolicy = z.output<typeof orgPolicySchema>
export type LexiconRule = OrgPolicy['lexicon'][number]

export class OrgPolicyError extends Error {
  override name = 'OrgPolicyError'
}

/** Validates a parsed policy; the error names the first bad field. */
export function parseOrgPolicy(input: unknown, source = 'the org policy file'): OrgPolicy {
  const result = orgPolicySchema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = issue.path.map(String)
  let message = issue.message
  if (issue.code === 'unrecognized_keys') {
    path.push(issue.keys[0])
    message = 'is not a known setting'
  } else if (issue.code === 'invalid_type') {
    message = / received undefined$/.test(issue.message)
      ? 'is missing'
      : `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`
  }
  const field = path.length ? path.join('.') : '(top level)'
  throw new OrgPolicyError(`In ${source}, ${field} ${message}`)
}

/**
 * Reads and validates the file at `path`. Throws OrgPolicyError naming the path or the first bad
 * field. Core has no built-in organization: without a file, the launcher supplies the demo one.
 */
export function loadOrgPolicy(path: string): { policy: OrgPolicy; raw: unknown } {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new OrgPolicyError(`Could not read the org policy file ${path}: ${(error as Error).message}`)
  }
  return { policy: parseOrgPolicy(raw, path), raw }
}
