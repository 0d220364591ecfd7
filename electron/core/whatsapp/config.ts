import { inspect } from 'node:util'
import { z } from 'zod'

export type WhatsAppMode = 'cloud' | 'sandbox'

export interface OptInTemplate {
  name: string
  language: string
}

/**
 * Everything the Cloud API connector needs. `accessToken`, `appSecret` and `verifyToken` are
 * readable by code but left out of `JSON.stringify`, `util.inspect` (so `console.log`), spreads
 * and `Object.keys`: copy a config with `withWhatsAppOverrides`, never with `{ ...config }`.
 */
export interface WhatsAppConfig {
  readonly baseUrl: string
  readonly apiVersion: string
  readonly phoneNumberId: string
  readonly wabaId: string
  readonly accessToken: string
  readonly appSecret: string
  readonly verifyToken: string
  readonly optInTemplate: Readonly<OptInTemplate>
  /** 'sandbox' when no access token is configured: the app then starts the sandbox. */
  readonly mode: WhatsAppMode
}

export const DEFAULT_BASE_URL = 'https://graph.facebook.com'
export const DEFAULT_API_VERSION = 'v24.0'
export const DEFAULT_OPT_IN_TEMPLATE: OptInTemplate = { name: 'greenline_opt_in', language: 'en_US' }
const SECRET_KEYS = ['accessToken', 'appSecret', 'verifyToken'] as const

/** A configuration value that cannot be used. `message` names the source and field, never the value. */
export class WhatsAppConfigError extends Error {
  override name = 'WhatsAppConfigError'
}

const nonEmpty = z.string().trim().min(1)
const baseUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value), 'must be an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''))
// Ids go into URL paths, so nothing that could change the path.
const graphId = nonEmpty.regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, dash or underscore')
const apiVersion = z
  .string()
  .trim()
  .regex(/^v\d+\.\d+$/, 'must look like v24.0')

const layerSchema = z.object({
  baseUrl: baseUrl.optional(),
  apiVersion: apiVersion.optional(),
  phoneNumberId: graphId.optional(),
  wabaId: graphId.optional(),
  accessToken: nonEmpty.optional(),
  appSecret: nonEmpty.optional(),
  verifyToken: nonEmpty.optional(),
  optInTemplate: z
    .object({
      name: z
        .string()
        .regex(/^[a-z0-9_]{1,512}$/, 'must be lowercase letters, digits and _')
        .optional(),
      language: z
        .string()
        .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must look like en_US')
        .optional(),
    })
    .optional(),
})

/** One source of settings, camelCase, every field optional. */
export type WhatsAppSettings = z.input<typeof layerSchema>
type Layer = z.output<typeof layerSchema>

export const ENV_KEYS = {
  baseUrl: 'GREENLINE_WA_BASE_URL',
  apiVersion: 'GREENLINE_WA_API_VERSION',
  phoneNumberId: 'GREENLINE_WA_PHONE_NUMBER_ID',
  wabaId: 'GREENLINE_WA_WABA_ID',
  accessToken: 'GREENLINE_WA_ACCESS_TOKEN',
  appSecret: 'GREENLINE_WA_APP_SECRET',
  verifyToken: 'GREENLINE_WA_VERIFY_TOKEN',
} as const

export interface ResolveWhatsAppConfigInput {
  /** The user's saved settings (lowest precedence). */
  settings?: unknown
  /** The parsed org policy file; only its `whatsapp` section is read. Overrides settings. */
  orgFile?: unknown
  /** Environment variables `GREENLINE_WA_*` (highest precedence); empty values count as unset. */
  env: Record<string, string | undefined>
}

function parseLayer(source: string, input: unknown): Layer {
  if (input === undefined || input === null) return {}
  const result = layerSchema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue?.path.join('.') || '(root)'
  throw new WhatsAppConfigError(`WhatsApp setting ${field} from ${source} ${issue?.message ?? 'is not valid'}`)
}

function envLayer(env: Record<string, string | undefined>): Layer {
  const raw: Record<string, string> = {}
  for (const [key, variable] of Object.entries(ENV_KEYS)) {
    const value = env[variable]?.trim()
    if (value) raw[key] = value
  }
  return parseLayer('the environment', raw)
}

function orgSection(orgFile: unknown): unknown {
  if (orgFile === undefined || orgFile === null) return undefined
  if (typeof orgFile !== 'object') throw new WhatsAppConfigError('The org policy file is not an object')
  return (orgFile as Record<string, unknown>).whatsapp
}

function merge(layers: Layer[]): Layer {
  const merged: Layer = {}
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue
      if (key === 'optInTemplate') merged.optInTemplate = { ...merged.optInTemplate, ...(value as object) }
      else (merged as Record<string, unknown>)[key] = value
    }
  }
  return merged
}

/**
 * Builds the connector configuration from settings, then the org policy file's `whatsapp` section,
 * then `GREENLINE_WA_*` environment variables (later sources win, field by field). Without an
 * access token the mode is 'sandbox' and unset fields stay empty until `withWhatsAppOverrides`
 * fills in the sandbox's address and credentials.
 * @throws WhatsAppConfigError when a value is malformed, or a cloud setup lacks the phone number id
 *   or app secret (without the secret no webhook could be trusted).
 */
export function resolveWhatsAppConfig(input: ResolveWhatsAppConfigInput): WhatsAppConfig {
  const merged = merge([
    parseLayer('settings', input.settings),
    parseLayer('the org policy file', orgSection(input.orgFile)),
    envLayer(input.env),
  ])
  const mode: WhatsAppMode = merged.accessToken ? 'cloud' : 'sandbox'
  if (mode === 'cloud') {
    if (!merged.phoneNumberId) throw new WhatsAppConfigError('A WhatsApp access token is set but the phone number id is missing')
    if (!merged.appSecret) throw new WhatsAppConfigError('A WhatsApp access token is set but the app secret is missing')
  }
  return createConfig({
    baseUrl: merged.baseUrl ?? DEFAULT_BASE_URL,
    apiVersion: merged.apiVersion ?? DEFAULT_API_VERSION,
    phoneNumberId: merged.phoneNumberId ?? '',
    wabaId: merged.wabaId ?? '',
    accessToken: merged.accessToken ?? '',
    appSecret: merged.appSecret ?? '',
    verifyToken: merged.verifyToken ?? '',
    optInTemplate: {
      name: merged.optInTemplate?.name ?? DEFAULT_OPT_IN_TEMPLATE.name,
      language: merged.optInTemplate?.language ?? DEFAULT_OPT_IN_TEMPLATE.language,
    },
    mode,
  })
}

/**
 * A copy of `config` with some fields replaced, e.g. the embedded sandbox's url, token and secret.
 * The mode is kept unless given. @throws WhatsAppConfigError when a replacement is malformed.
 */
export function withWhatsAppOverrides(
  config: WhatsAppConfig,
  overrides: Partial<Omit<WhatsAppConfig, 'optInTemplate'>> & { optInTemplate?: Partial<OptInTemplate> },
): WhatsAppConfig {
  const { mode, ...rest } = overrides
  const layer = parseLayer('overrides', rest)
  return createConfig({
    baseUrl: layer.baseUrl ?? config.baseUrl,
    apiVersion: layer.apiVersion ?? config.apiVersion,
    phoneNumberId: layer.phoneNumberId ?? config.phoneNumberId,
    wabaId: layer.wabaId ?? config.wabaId,
    accessToken: layer.accessToken ?? config.accessToken,
    appSecret: layer.appSecret ?? config.appSecret,
    verifyToken: layer.verifyToken ?? config.verifyToken,
    optInTemplate: { ...config.optInTemplate, ...stripUndefined(layer.optInTemplate ?? {}) },
    mode: mode ?? config.mode,
  })
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

function redacted(config: WhatsAppConfig): Record<string, unknown> {
  const view: Record<string, unknown> = { ...config }
  for (const key of SECRET_KEYS) view[key] = config[key] ? '[redacted]' : ''
  return view
}

function createConfig(values: { -readonly [K in keyof WhatsAppConfig]: WhatsAppConfig[K] }): WhatsAppConfig {
  const config = {
    baseUrl: values.baseUrl,
    apiVersion: values.apiVersion,
    phoneNumberId: values.phoneNumberId,
    wabaId: values.wabaId,
    optInTemplate: Object.freeze({ ...values.optInTemplate }),
    mode: values.mode,
  } as WhatsAppConfig
  for (const key of SECRET_KEYS) {
    Object.defineProperty(config, key, { value: values[key], enumerable: false })
  }
  Object.defineProperty(config, 'toJSON', { value: () => redacted(config), enumerable: false })
  Object.defineProperty(config, inspect.custom, {
    value: (_depth: number, options: object) => `WhatsAppConfig ${inspect(redacted(config), options)}`,
    enumerable: false,
  })
  return Object.freeze(config)
}
