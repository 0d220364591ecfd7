import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { OrgUser, Session } from '../../electron/shared/domain'
import * as auth from '../api/auth'
import { ApiRequestError, call, isDesktop, preconnect } from '../api/client'
import { engineMessage } from '../api/error-text'
import { t } from '../i18n'
import { useConversationsStore } from './conversations'

const REMEMBERED_USER = 'greenline.user'

/**
 * Which host the renderer runs in: the desktop app; the single-user browser host (`npm run web`);
 * or the team server, as a demo (pick who you are) or with real accounts.
 */
export type HostMode = 'desktop' | 'local' | 'demo' | 'team'

/** What App.vue shows. Decided here only, so the screens never second-guess each other. */
export type Screen = 'loading' | 'picker' | 'team-sign-in' | 'invite' | 'app'

/** The address of an invitation the team server mailed: `/invite?token=…`. */
function inviteToken(): string | undefined {
  if (location.pathname !== '/invite') return undefined
  return new URLSearchParams(location.search).get('token') ?? undefined
}

/**
 * The desktop app's sign-in page (`/auth/device/authorize?…`) sends a browser that is not signed
 * in here with `?next=`; once signed in, it goes back there to approve the computer. Only that
 * path is followed, so `next` cannot send anyone elsewhere.
 */
function deviceSignInNext(): string | undefined {
  const next = new URLSearchParams(location.search).get('next')
  return next?.startsWith(`${auth.DEVICE_AUTHORIZE_PATH}?`) ? next : undefined
}

/** Drops a query parameter from the address bar, so a reload does not replay it. */
function parsedJson(value: string | null): unknown {
  try {
    return value === null ? undefined : (JSON.parse(value) as unknown)
  } catch {
    return undefined
  }
}

function forgetQuery(name: string): void {
  const url = new URL(location.href)
  if (!url.searchParams.has(name)) return
  url.searchParams.delete(name)
  history.replaceState(history.state, '', url)
}

/** Who is signed in. In the browser host a person picks their org user; the desktop app knows; the team server asks. */
export const useSessionStore = defineStore('session', () => {
  const session = ref<Session>()
  const users = ref<OrgUser[]>([])
  const error = ref<string>()
  const mode = ref<HostMode>()
  const role = ref<auth.Role>()
  const sso = ref<{ label: string } | null>(null)
  const passwordEnabled = ref(false)
  /** Why the team server's single sign-on came back without a session (its `?signin_error=`). */
  const signInError = ref<string>()
  const invite = ref<string>()
  const signOutError = ref<string>()

  /** A remembered user is being signed in again: show "starting", not a flash of the picker (and not fetch its script). */
  const resuming = ref(false)

  const screen = computed<Screen>(() => {
    if (session.value) return 'app'
    if (mode.value === undefined || resuming.value) return 'loading'
    if (mode.value === 'team') return invite.value ? 'invite' : 'team-sign-in'
    return 'picker'
  })

  async function restore(): Promise<void> {
    error.value = undefined
    /** A sign-in of the remembered user sent before the host said what it is (see below). */
    let early: Promise<Session> | undefined
    try {
      if (isDesktop) {
        mode.value = 'desktop'
        // Before anyone has signed in on this computer the engine answers forbidden: show the picker.
        try {
          session.value = await call('session:get', {})
          return
        } catch (e) {
          if (!(e instanceof ApiRequestError && e.error.code === 'forbidden')) throw e
        }
      } else if (mode.value === undefined) {
        // Only a browser someone signed in on before (the single-user host, a demo) connects
        // while the host says what it is, and signs that user in again at once: the sign-in and
        // the newest conversations leave as the socket opens, not after `/auth/config` answers
        // (one round trip less before the list paints, issue 21). A team server refuses both (its
        // socket needs the session cookie, and it never lets a connection choose its user); what
        // it answered is then not used.
        const rememberedUser = localStorage.getItem(REMEMBERED_USER)
        if (rememberedUser) {
          preconnect()
          early = sendSignIn(rememberedUser)
          early.catch(() => undefined)
        }
        const config = await auth.authConfig()
        if (config) {
          sso.value = config.sso
          passwordEnabled.value = config.password
        }
        mode.value = config?.mode ?? 'local'
      }
      if (mode.value === 'team') return await restoreTeam()
      const remembered = localStorage.getItem(REMEMBERED_USER)
      if (remembered) {
        resuming.value = true
        try {
          if (await signInAgain(remembered, early)) return
        } finally {
          resuming.value = false
        }
      }
      users.value = await call('org:users', {})
    } catch (e) {
      // A failed host probe still has to show a screen; the error then says why it is empty.
      mode.value ??= 'local'
      error.value = (e as Error).message
    }
  }

  /** Team mode: the session cookie decides who this is; the engine then fills the session. */
  async function restoreTeam(): Promise<void> {
    const query = new URLSearchParams(location.search)
    const english = query.get('signin_error')
    // The server sends the reason's code and values beside its English: written in this window's language when known.
    if (english) signInError.value = engineMessage(parsedJson(query.get('signin_error_text'))) ?? english
    forgetQuery('signin_error')
    forgetQuery('signin_error_text')
    invite.value = inviteToken()
    // An invitation is for whoever holds the link, even in a browser someone is signed in on.
    if (invite.value) return
    const me = await auth.currentUser()
    if (!me) return
    const next = deviceSignInNext()
    if (next) return location.assign(next)
    role.value = me.role
    session.value = await call('session:get', {})
  }

  /**
   * Sends the sign-in of a remembered user with the newest conversations asked for right behind it
   * (the host answers them as that user): the list paints one round trip after the socket opens.
   */
  function sendSignIn(userId: string): Promise<Session> {
    const signingIn = call('session:signIn', { userId })
    // After the sign-in is sent, not before: the host answers requests in the order they left.
    if (!isDesktop) useConversationsStore().prefetchFirstPage()
    return signingIn
  }

  /**
   * Signs the remembered user in again (with `sent`, a sign-in already on its way). False when the
   * organization no longer has that user (then the picker shows).
   */
  async function signInAgain(userId: string, sent = sendSignIn(userId)): Promise<boolean> {
    try {
      session.value = await sent
      localStorage.setItem(REMEMBERED_USER, userId)
      return true
    } catch (e) {
      if (e instanceof ApiRequestError && e.error.code === 'not_found') return false
      throw e
    }
  }

  async function signIn(userId: string): Promise<void> {
    session.value = await call('session:signIn', { userId })
    localStorage.setItem(REMEMBERED_USER, userId)
  }

  /** Team mode: on success the cookie is set, so restoring fills the session without a reload. */
  async function signInWithPassword(userId: string, password: string): Promise<auth.PasswordSignIn> {
    signInError.value = undefined
    const result = await auth.signInWithPassword(userId, password)
    if (result.ok) await restore()
    return result
  }

  async function acceptInvite(password: string): Promise<auth.InviteAcceptance> {
    if (!invite.value) return { ok: false, reason: 'expired' }
    const result = await auth.acceptInvite(invite.value, password)
    if (result.ok) {
      // The token is spent: leave its address (and keep it out of history), then sign in as usual.
      invite.value = undefined
      // Keep history.state and the hash: they are vue-router's, and it warns when they vanish.
      history.replaceState(history.state, '', `/${location.hash}`)
      await restore()
    }
    return result
  }

  function startSso(): void {
    auth.startSso(deviceSignInNext())
  }

  async function signOut(options: { everywhere?: boolean } = {}): Promise<void> {
    localStorage.removeItem(REMEMBERED_USER)
    if (mode.value === 'team') {
      signOutError.value = undefined
      try {
        await auth.logout(options)
      } catch {
        // Reloading now would quietly show the same signed-in screen: say it did not work instead.
        signOutError.value = t('errors.signOut')
        return
      }
    }
    location.reload()
  }

  function signOutEverywhere(): Promise<void> {
    return signOut({ everywhere: true })
  }

  return {
    session,
    users,
    error,
    mode,
    role,
    sso,
    passwordEnabled,
    signInError,
    invite,
    signOutError,
    screen,
    restore,
    signIn,
    signInWithPassword,
    acceptInvite,
    startSso,
    signOut,
    signOutEverywhere,
  }
})
