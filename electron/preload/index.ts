import { contextBridge, ipcRenderer } from 'electron'
import { EVENT_CHANNELS, type GreenlineApi } from '../shared/api/contract'

/**
 * `window.greenline`: one `request` entry point over the contract's channels and `on` listeners
 * that return their unsubscribe. Nothing else of Electron reaches the renderer.
 */
const api: GreenlineApi = {
  request: (channel, payload) => ipcRenderer.invoke(`api:${channel}`, payload),
  on: (event, listener) => {
    if (!EVENT_CHANNELS.includes(event)) throw new Error(`Unknown event ${event}`)
    const handler = (_: unknown, payload: unknown) => listener(payload as never)
    ipcRenderer.on(`event:${event}`, handler)
    return () => ipcRenderer.removeListener(`event:${event}`, handler)
  },
}

contextBridge.exposeInMainWorld('greenline', api)
