import type { TeamServerApi } from '../../electron/shared/api/team-server'

/**
 * The desktop app's Settings → Team server bridge (`window.greenlineTeam`, from the preload).
 * A browser has none: the team server is joined by the desktop app only.
 */
declare global {
  interface Window {
    greenlineTeam?: TeamServerApi
  }
}

/** The bridge, or undefined outside the desktop app. Read on each use (tests install a fake). */
export function teamServerApi(): TeamServerApi | undefined {
  return window.greenlineTeam
}
