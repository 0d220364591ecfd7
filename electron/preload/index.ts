import { contextBridge, ipcRenderer } from 'electron'
import type { EventChannel, GreenlineApi } from '../shared/api/contract'
import type { TeamServerApi, TeamServerChannel, TeamServerStatus } from '../shared/api/team-server'

/**
 * `window.greenline`: one `request` entry point over the contract's channels and `on` listeners
 * that return their unsubscribe. Nothing else of Electron reaches the renderer.
 *
 * A sandboxed preload can require only `electron`, so this file imports types alone (the
 * contract's values pull in zod); channel names are checked by shape here and by the main
 * process, which serves exactly the contract's channels and checks every sender.
 */
const CHANNEL_NAME = /^[a-z]+:[a-zA-Z]+$/
/** The Team server settings have their own bridge below; the contract's entry point never reaches them. */
const TEAM_PREFIX = 'team:'

const api: GreenlineApi = {
  request: async (channel, payload) => {
    if (typeof channel !== 'string' || !CHANNEL_NAME.test(channel) || channel.startsWith(TEAM_PREFIX)) {
      return { ok: false, error: { code: 'invalid', message: `Unknown channel: ${String(channel).slice(0, 100)}` } }
    }
    try {
      return (await ipcRenderer.invoke(`api:${channel}`, payload)) as Awaited<ReturnType<GreenlineApi['request']>>
    } catch {
      // No handler: a channel the main process does not serve.
      return { ok: false, error: { code: 'invalid', message: `Unknown channel: ${channel}` } }
    }
  },
  on: (event: EventChannel, listener) => {
    if (typeof event !== 'string' || !CHANNEL_NAME.test(event) || event.startsWith(TEAM_PREFIX))
      throw new Error(`Unknown event ${String(event)}`)
    const handler = (_: unknown, payload: unknown) => listener(payload as never)
    ipcRenderer.on(`event:${event}`, handler)
    return () => {
      ipcRenderer.removeListener(`event:${event}`, handler)
    }
  },
}

contextBridge.exposeInMainWorld('greenline', api)

/** Desktop-only gestures. Pictures are named by media id; the main process finds the file. */
contextBridge.exposeInMainWorld('greenlineDesktop', {
  startDrag: (mediaId: string) => {
    if (typeof mediaId === 'string' && /^[0-9a-f]{64}$/.test(mediaId)) ipcRenderer.send('media:startDrag', mediaId)
  },
  /** The language the window shows, so notifications, the tray and dialogs speak it too (main checks it is shipped). */
  setLanguage: (locale: string) => {
    if (typeof locale === 'string' && /^[a-zA-Z]{2,3}(-[a-zA-Z]{2,4})?$/.test(locale)) ipcRenderer.send('app:language', locale)
  },
})

type TeamResult = Awaited<ReturnType<TeamServerApi['status']>>

/** One fixed channel per call: the renderer cannot name any other (values checked again in main). */
const team = async (channel: TeamServerChannel, payload: Record<string, unknown> = {}): Promise<TeamResult> => {
  try {
    return (await ipcRenderer.invoke(`api:${channel}`, payload)) as TeamResult
  } catch {
    return { ok: false, error: { code: 'unavailable', message: 'Team server settings are not available in this window' } }
  }
}

/** Settings → Team server: sign in to the office's Greenline server, or out. */
const teamApi: TeamServerApi = {
  status: () => team('team:status'),
  signIn: (serverUrl) => team('team:signIn', { serverUrl }),
  signInWithPassword: (serverUrl, userId, password) => team('team:signInPassword', { serverUrl, userId, password }),
  cancelSignIn: () => team('team:cancelSignIn'),
  signOut: () => team('team:signOut'),
  retryNow: () => team('team:retryNow'),
  onChanged: (listener) => {
    const handler = (_: unknown, status: unknown) => listener(status as TeamServerStatus)
    ipcRenderer.on('event:team:changed', handler)
    return () => {
      ipcRenderer.removeListener('event:team:changed', handler)
    }
  },
}

contextBridge.exposeInMainWorld('greenlineTeam', teamApi)
