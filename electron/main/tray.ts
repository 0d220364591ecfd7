import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron'
import type { ConnectionIndicator } from '../shared/connection-indicator'
import type { Message } from '../shared/domain'
import { englishText, type NativeText } from '../shared/native-texts'
import type { SqliteEngine } from '../core/engine'
import { createLogger } from '../core/platform/logger'
import { computeCounts, countsSummary, countsTooltip, EMPTY_COUNTS, FailedMessages, type ShellCounts } from './counts'
import type { SignedInUser } from './signed-in-user'
import { teamConnectionText } from './team-shell'

const log = createLogger('tray')

export interface TrayDeps {
  Tray: new (image: NativeImage | string) => Tray
  /** The menu's words in the window's language (main/language.ts); English when not given. */
  text?: NativeText
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): Menu }
  icon: NativeImage | string
  engine: Pick<SqliteEngine, 'dispatch' | 'db'>
  user: SignedInUser
  doNotDisturb: () => boolean
  startAtLogin: () => boolean
  actions: {
    open(): void
    quickReply(conversationId: string): void
    setDoNotDisturb(on: boolean): void
    setStartAtLogin(on: boolean): void
    /** Opens the logs folder in Explorer/Finder, for a user asked to send their logs. */
    showLogs(): void
    quit(): void
    /** Team mode, offline: try the server now. */
    retryTeamNow?(): void
    /** Team mode, signed out by the server: Settings → Team server. */
    openTeamSettings?(): void
  }
  /** In team mode: where the connection to the server stands (undefined outside team mode). */
  teamConnection?: () => ConnectionIndicator | undefined
  /** In team mode: the team client's counts (undefined while not signed in to a server). */
  teamCounts?: () => ShellCounts | undefined
  /** Called with the new counts (dock/taskbar badge). */
  onCounts?: (counts: ShellCounts) => void
  debounceMs?: number
}

export interface TrayController {
  readonly tray: Tray
  counts(): ShellCounts
  /** Recomputes now; resolves when the tooltip and menu show the new counts. */
  refresh(): Promise<void>
  /** Recomputes after a short pause (events arrive in bursts). */
  scheduleRefresh(): void
  destroy(): void
}

/** The tray icon: tooltip with unread/queued/failed, a menu of recent unread conversations. */
export function createTray(deps: TrayDeps): TrayController {
  const tray = new deps.Tray(deps.icon)
  const failed = new FailedMessages()
  let counts = EMPTY_COUNTS
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> | undefined
  let again = false

  const render = () => {
    const connection = deps.teamConnection?.()
    const text = deps.text ?? englishText
    const tooltip = countsTooltip(counts, text)
    tray.setToolTip(connection ? `${tooltip}\n${teamConnectionText(connection, undefined, text)}` : tooltip)
    tray.setContextMenu(deps.Menu.buildFromTemplate(menuTemplate(counts, deps, connection)))
  }

  const compute = async () => {
    try {
      counts = deps.teamCounts?.() ?? (await computeCounts(deps.engine, deps.user.id, failed))
    } catch (error) {
      log.warn('counts not updated', { error: String(error) })
    }
    render()
    deps.onCounts?.(counts)
  }

  const refresh = async (): Promise<void> => {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      do {
        again = false
        await compute()
      } while (again)
    })().finally(() => (running = undefined))
    return running
  }

  const scheduleRefresh = () => {
    clearTimeout(timer)
    timer = setTimeout(() => void refresh(), deps.debounceMs ?? 250)
  }

  const unsubscribe = deps.user.subscribe((event, payload) => {
    if (event === 'messages:changed') failed.observe(payload as Message)
    if (event === 'messages:changed' || event === 'conversations:changed' || event === 'conversations:removed') scheduleRefresh()
  })
  const unwatchUser = deps.user.onChange(() => {
    failed.clear()
    void refresh()
  })
  tray.on('click', () => deps.actions.open())
  render()
  void refresh()

  return {
    tray,
    counts: () => counts,
    refresh,
    scheduleRefresh,
    destroy() {
      clearTimeout(timer)
      unsubscribe()
      unwatchUser()
      tray.destroy()
    },
  }
}

export function menuTemplate(
  counts: ShellCounts,
  deps: Pick<TrayDeps, 'actions' | 'doNotDisturb' | 'startAtLogin' | 'text'>,
  connection?: ConnectionIndicator,
): MenuItemConstructorOptions[] {
  const text = deps.text ?? englishText
  const team: MenuItemConstructorOptions[] = connection
    ? [
        { id: 'team-connection', label: teamConnectionText(connection, undefined, text), enabled: false },
        ...(connection.state === 'offline' && deps.actions.retryTeamNow
          ? [{ id: 'team-retry', label: text('tray.teamRetry'), click: () => deps.actions.retryTeamNow?.() }]
          : []),
        ...(connection.state === 'signed-out' && deps.actions.openTeamSettings
          ? [{ id: 'team-sign-in', label: text('tray.teamSignIn'), click: () => deps.actions.openTeamSettings?.() }]
          : []),
      ]
    : []
  const recent: MenuItemConstructorOptions[] = counts.recentUnread.length
    ? counts.recentUnread.map((conversation) => ({
        id: `conversation:${conversation.id}`,
        label: `${conversation.contactName} (${conversation.unread})`,
        click: () => deps.actions.quickReply(conversation.id),
      }))
    : [{ id: 'no-unread', label: text('tray.noUnread'), enabled: false }]
  return [
    { id: 'summary', label: countsSummary(counts, text), enabled: false },
    ...team,
    { type: 'separator' },
    ...recent,
    { type: 'separator' },
    { id: 'open', label: text('tray.open'), click: () => deps.actions.open() },
    {
      id: 'dnd',
      label: text('tray.doNotDisturb'),
      type: 'checkbox',
      checked: deps.doNotDisturb(),
      click: (item) => deps.actions.setDoNotDisturb(item.checked),
    },
    {
      id: 'login',
      label: text('tray.startAtLogin'),
      type: 'checkbox',
      checked: deps.startAtLogin(),
      click: (item) => deps.actions.setStartAtLogin(item.checked),
    },
    { type: 'separator' },
    { id: 'logs', label: text('tray.showLogs'), click: () => deps.actions.showLogs() },
    { id: 'quit', label: text('tray.quit'), click: () => deps.actions.quit() },
  ]
}
