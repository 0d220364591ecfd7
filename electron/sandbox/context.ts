import { randomBytes } from 'node:crypto'
import type { Clock } from '../shared/clock'
import type { Directory } from './directory'
import type { MediaStore } from './media-store'
import type { SandboxOperations } from './operations'
import type { RateLimiter } from './rate-limits'
import type { WebhookQueue } from './webhook-queue'
import type { BusinessIdentity } from './webhook-payloads'

export interface ChaosRates {
  duplicate: number
  shuffle: number
  fail5xx: number
  dropResponse: number
}

/** Everything a route handler needs; built once per sandbox by `startSandbox`. */
export interface SandboxContext {
  clock: Clock
  accessToken: string
  business: BusinessIdentity
  random: () => number
  windowErrorMode: 'sync' | 'webhook'
  directory: Directory
  media: MediaStore
  webhooks: WebhookQueue
  limiter: RateLimiter | null
  chaos: ChaosRates
  /** Template states, account-wide and per-user failures switched on from the control API. */
  operations: SandboxOperations
  /** Mark-as-read calls the business made, in order. */
  businessReads: Array<{ messageId: string; at: number; typingIndicator: boolean }>
  baseUrl(): string
  /** Awaited after `POST /sandbox/clock`, so an embedding app's engine moves its clock first. */
  clockAdvanced?: () => Promise<void>
}

/** A wamid in Meta's look (`wamid.` + base64); random bytes keep it unique across sandbox restarts. */
export function newWamid(waId: string): string {
  const raw = Buffer.concat([Buffer.from([0x1c, 0x18, 0x0b]), Buffer.from(waId), Buffer.from([0x15, 0x02, 0x00]), randomBytes(18)])
  return `wamid.${raw.toString('base64')}`
}

/** A control-API failure with the HTTP status to answer. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}
