import { homedir } from 'node:os'
import { join } from 'node:path'

/** The OS's per-user app-data folder for Greenline (the same place Electron's userData points to). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Greenline')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Greenline')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Greenline')
}
