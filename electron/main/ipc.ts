import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { EVENT_CHANNELS, REQUEST_CHANNELS } from '../shared/api/contract'
import { fail, type Result } from '../shared/api/result'
import type { Engine } from '../core/engine'
import { createLogger } from '../core/platform/logger'
import { forwardRendererRequest } from '../team-client/renderer-requests'
import type { TeamSession } from '../team-client/team-session'
import type { SignedInUser } from './signed-in-user'

const log = createLogger('ipc')

export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  engine: Pick<Engine, 'dispatch'>
  user: SignedInUser
  /** True for the app's own page (file:// index or the dev server). */
  isTrustedSender: (url: string | undefined) => boolean
  /** The office's team server: while it has a signed-in client, requests go there, not to the engine. */
  team?: Pick<TeamSession, 'client'>
}

/** The IPC channel a contract request channel is served on (the preload uses the same prefix). */
export const ipcChannel = (channel: string) => `api:${channel}`

/**
 * Registers one `ipcMain.handle('api:<channel>')` per contract channel. Each call's sender frame
 * must be the app page, otherwise it is answered `forbidden` without reaching the engine.
 * `session:signIn` chooses the desktop's user (kept in settings); `session:get` before that
 * answers `forbidden` with `details.signInRequired` so the renderer shows the user picker.
 * In team mode (the team session has a client) every request goes to the team server instead,
 * as the user of this device's token: one renderer, one contract, both modes.
 * Returns a function that removes the handlers.
 */
export function registerIpc(deps: IpcDeps): () => void {
  for (const channel of REQUEST_CHANNELS) {
    deps.ipcMain.handle(ipcChannel(channel), async (event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> => {
      const senderUrl = senderFrameUrl(event)
      if (!deps.isTrustedSender(senderUrl)) {
        log.warn('request from an untrusted frame refused', { channel })
        return fail('forbidden', 'This page may not use Greenline')
      }
      const client = deps.team?.client
      if (client) return forwardRendererRequest(client, channel, payload)
      const userId = deps.user.id
      if (channel === 'session:get' && userId === undefined) {
        return fail('forbidden', 'Choose who you are to start', { signInRequired: true })
      }
      if (channel === 'session:signIn') {
        const result = await deps.engine.dispatch({ userId: undefined }, channel, payload)
        if (result.ok) deps.user.set((result.value as { user: { id: string } }).user.id)
        return result
      }
      return deps.engine.dispatch({ userId }, channel, payload)
    })
  }
  return () => {
    for (const channel of REQUEST_CHANNELS) deps.ipcMain.removeHandler(ipcChannel(channel))
  }
}

/**
 * Forwards the signed-in user's engine events to every live window as `event:<name>`; in team
 * mode (`team.client` set) the windows show the server's data, so the engine's are held back.
 */
export function forwardEvents(
  user: SignedInUser,
  targets: () => Array<WebContents | undefined>,
  team?: Pick<TeamSession, 'client'>,
): () => void {
  return user.subscribe((event, payload) => {
    if (team?.client) return
    sendEvent(targets, event, payload)
  })
}

/** Sends a contract event to the live windows; anything not in the contract is dropped. */
export function sendEvent(targets: () => Array<WebContents | undefined>, event: string, payload: unknown): void {
  if (!(EVENT_CHANNELS as string[]).includes(event)) return
  for (const contents of targets()) {
    if (contents && !contents.isDestroyed()) contents.send(`event:${event}`, payload)
  }
}

function senderFrameUrl(event: IpcMainInvokeEvent): string | undefined {
  try {
    // senderFrame is null once the frame navigated away or was destroyed.
    return event.senderFrame?.url ?? undefined
  } catch {
    return undefined
  }
}
