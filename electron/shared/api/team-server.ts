import { z } from 'zod'
import type { WireText } from './engine-text'
import type { Result } from './result'

/**
 * The desktop app's "Team server" settings, over IPC between the renderer and Electron main
 * (not a channel of the engine: the engine neither knows nor serves them). Same shapes as the
 * contract: `{ ok, value } | { ok, error }`, served on `api:<channel>`, events as `event:<name>`.
 */

/** Where the desktop stands with its office's server; `message` is the sentence to show as is. */
export interface TeamServerStatus {
  /** The server's address (the last one used, signed in or not). */
  serverUrl?: string
  /** Who this computer is signed in as, while it holds a token. */
  user?: { id: string; name: string }
  connection: 'signed-out' | 'connecting' | 'online' | 'offline'
  /** Why it is offline or signed out (unreachable, certificate, token refused), or why sign-in failed. */
  message?: string
  /** `message` as a code and values (electron/shared/api/engine-text.ts), for the window's language. */
  messageText?: WireText
  /** Offline: when the next try to reach the server happens (epoch ms). */
  retryAt?: number
  /** A browser sign-in is waiting for the person to finish in the browser. */
  signingIn: boolean
  /** Messages written on this computer not yet on the server: waiting for connection, or failed. */
  outbox: { waiting: number; failed: number }
}

const serverUrl = z.string().trim().min(1, 'Enter the server address').max(300)

export const teamServerChannels = {
  'team:status': z.object({}).strict(),
  /** Opens the system browser on the server's approval page; resolves once signed in (or not). */
  'team:signIn': z.object({ serverUrl }).strict(),
  /** The password alternative; the password is used once and never kept. */
  'team:signInPassword': z.object({ serverUrl, userId: z.string().trim().min(1).max(200), password: z.string().min(1).max(1024) }).strict(),
  'team:cancelSignIn': z.object({}).strict(),
  /** Revokes this computer's token on the server, then forgets it here. */
  'team:signOut': z.object({}).strict(),
  /** Offline: try the server now instead of waiting for the next try. */
  'team:retryNow': z.object({}).strict(),
} as const

export type TeamServerChannel = keyof typeof teamServerChannels
export type TeamServerRequestOf<C extends TeamServerChannel> = z.input<(typeof teamServerChannels)[C]>
export const TEAM_SERVER_CHANNELS = Object.keys(teamServerChannels) as TeamServerChannel[]
/** Pushed to the app's windows whenever the status changes. */
export const TEAM_SERVER_EVENT = 'team:changed'

/**
 * The desktop renderer's `window.greenlineTeam` (absent in a browser): one function per channel,
 * each answering the new status as data (`{ ok: false, error }` when main refused the call), and
 * a status listener that returns its unsubscribe.
 */
export interface TeamServerApi {
  status(): Promise<Result<TeamServerStatus>>
  /** Opens the system browser on the server's approval page; resolves once signed in (or not). */
  signIn(serverUrl: string): Promise<Result<TeamServerStatus>>
  signInWithPassword(serverUrl: string, userId: string, password: string): Promise<Result<TeamServerStatus>>
  cancelSignIn(): Promise<Result<TeamServerStatus>>
  signOut(): Promise<Result<TeamServerStatus>>
  retryNow(): Promise<Result<TeamServerStatus>>
  onChanged(listener: (status: TeamServerStatus) => void): () => void
}
