import type { WebContents } from 'electron'
import type { TeamClient } from '../team-client/team-client'
import type { TeamSession } from '../team-client/team-session'
import { outboxMessageId } from '../shared/offline-outbox'
import { outboxMessage } from '../team-client/window-outbox'
import { sendEvent } from './ipc'

type Session = Pick<TeamSession, 'on' | 'client'>

/**
 * Forwards the team server's live events, as the team client receives them, to the windows as
 * the same `event:<name>` channels the engine's use. The offline outbox speaks the same way: a
 * message the server confirmed takes the place of the window's waiting one (`replaces`), and one
 * it refused shows failed with its words. Returns a function that stops it.
 */
export function forwardTeamEvents(session: Session, targets: () => Array<WebContents | undefined>): () => void {
  return session.on((event) => {
    if (event.type !== 'client') return
    const happened = event.event
    if (happened.type === 'event') sendEvent(targets, happened.event, happened.payload)
    else if (happened.type === 'sent') {
      sendEvent(targets, 'messages:changed', { ...happened.message, replaces: outboxMessageId(happened.entry.clientId) })
    } else if (happened.type === 'failed') sendEvent(targets, 'messages:changed', outboxMessage(happened.entry))
  })
}

/**
 * Tells the windows to start over whenever who answers them changes, so no screen keeps the other
 * mode's data: signed in (a new client), signed out or refused (no client), and the first time a
 * client that started offline reaches the server (the window loaded meanwhile has nothing to show).
 * Returns a function that stops it.
 */
export function reloadOnTeamSwitch(session: Session, reload: () => void): () => void {
  let current: TeamClient | undefined = session.client
  let wasOffline = false
  let reachedServer = current?.state.status === 'online'
  return session.on((event) => {
    const client = session.client
    if (client !== current) {
      current = client
      wasOffline = false
      reachedServer = false
      reload()
      return
    }
    if (!client || event.type !== 'client' || event.event.type !== 'state' || reachedServer) return
    const status = event.event.state.status
    if (status === 'offline') wasOffline = true
    if (status !== 'online') return
    reachedServer = true
    if (wasOffline) reload()
  })
}
