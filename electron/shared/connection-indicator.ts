import type { TeamServerStatus } from './api/team-server'

/**
 * The connection indicator outside Settings (the window's and the tray's), or undefined when it
 * has nothing to say: not in team mode, or signed out on purpose. Signed out by the server (token
 * refused, user deactivated) it stays, with why, until the person signs in again.
 */
export type ConnectionIndicator =
  | { state: 'connected'; serverUrl?: string }
  | { state: 'reconnecting'; serverUrl?: string }
  | { state: 'offline'; serverUrl?: string; retryAt?: number; message?: string }
  | { state: 'signed-out'; serverUrl?: string; message: string }

export function connectionIndicator(status: TeamServerStatus | undefined): ConnectionIndicator | undefined {
  if (!status) return undefined
  const at = status.serverUrl !== undefined ? { serverUrl: status.serverUrl } : {}
  if (!status.user) {
    return status.connection === 'signed-out' && status.serverUrl && status.message && !status.signingIn
      ? { state: 'signed-out', ...at, message: status.message }
      : undefined
  }
  switch (status.connection) {
    case 'online':
      return { state: 'connected', ...at }
    case 'connecting':
      return { state: 'reconnecting', ...at }
    case 'offline':
      return {
        state: 'offline',
        ...at,
        ...(status.retryAt !== undefined ? { retryAt: status.retryAt } : {}),
        ...(status.message ? { message: status.message } : {}),
      }
    default:
      return undefined
  }
}
