import type { ShippedLocale } from './locale-choice'

/**
 * What Greenline says outside its window — the desktop's native notifications, tray menu and
 * startup error box, and the server's own desktop-approval page — in each shipped language. The main process has no vue-i18n and may not read
 * src/, so these few texts live here; it picks the language the window uses (main/language.ts).
 * `npm run i18n:check` fails when a language lacks a text or changes its {placeholders}.
 * Import-free beyond types, so the check (plain Node) can import this file.
 */
const en = {
  'tray.noUnread': 'No unread conversations',
  'tray.open': 'Open Greenline',
  'tray.doNotDisturb': 'Do not disturb',
  'tray.startAtLogin': 'Start at login',
  'tray.showLogs': 'Show log files',
  'tray.quit': 'Quit Greenline',
  'tray.teamRetry': 'Try to connect now',
  'tray.teamSignIn': 'Sign in again…',
  'notification.replyNotSent': 'Reply not sent',
  'startup.failed': 'Greenline could not start',
  'devicePage.invalidLink': 'This sign-in link is not valid. Start again from the Greenline app.',
  'devicePage.question': 'Allow {device} to sign in to Greenline as {name}?',
  'devicePage.ownToken': 'The app gets its own access token. You can sign it out in the app, or under Settings → Access tokens.',
  'devicePage.allow': 'Allow',
  'devicePage.cancel': 'Cancel',
  'devicePage.sessionEnded': 'Your browser session ended. Start again from the Greenline app.',
}

export type NativeTextKey = keyof typeof en

export const NATIVE_TEXTS: Record<ShippedLocale, Record<NativeTextKey, string>> = {
  en,
  es: {
    'tray.noUnread': 'No hay conversaciones sin leer',
    'tray.open': 'Abrir Greenline',
    'tray.doNotDisturb': 'No molestar',
    'tray.startAtLogin': 'Abrir al iniciar sesión',
    'tray.showLogs': 'Mostrar los archivos de registro',
    'tray.quit': 'Salir de Greenline',
    'tray.teamRetry': 'Intentar conectar ahora',
    'tray.teamSignIn': 'Iniciar sesión de nuevo…',
    'notification.replyNotSent': 'Respuesta no enviada',
    'startup.failed': 'Greenline no pudo iniciarse',
    'devicePage.invalidLink': 'Este enlace de inicio de sesión no es válido. Empieza de nuevo desde la app Greenline.',
    'devicePage.question': '¿Permitir que {device} inicie sesión en Greenline como {name}?',
    'devicePage.ownToken': 'La app recibe su propio token de acceso. Puedes cerrar su sesión en la app, o en Ajustes → Tokens de acceso.',
    'devicePage.allow': 'Permitir',
    'devicePage.cancel': 'Cancelar',
    'devicePage.sessionEnded': 'La sesión del navegador terminó. Empieza de nuevo desde la app Greenline.',
  },
  'pt-BR': {
    'tray.noUnread': 'Nenhuma conversa não lida',
    'tray.open': 'Abrir o Greenline',
    'tray.doNotDisturb': 'Não perturbe',
    'tray.startAtLogin': 'Abrir ao iniciar a sessão',
    'tray.showLogs': 'Mostrar os arquivos de log',
    'tray.quit': 'Sair do Greenline',
    'tray.teamRetry': 'Tentar conectar agora',
    'tray.teamSignIn': 'Entrar de novo…',
    'notification.replyNotSent': 'Resposta não enviada',
    'startup.failed': 'O Greenline não conseguiu iniciar',
    'devicePage.invalidLink': 'Este link de entrada não é válido. Comece de novo pelo app Greenline.',
    'devicePage.question': 'Permitir que {device} entre no Greenline como {name}?',
    'devicePage.ownToken':
      'O app recebe seu próprio token de acesso. Você pode desconectá-lo no app ou em Configurações → Tokens de acesso.',
    'devicePage.allow': 'Permitir',
    'devicePage.cancel': 'Cancelar',
    'devicePage.sessionEnded': 'A sessão do navegador terminou. Comece de novo pelo app Greenline.',
  },
  fr: {
    'tray.noUnread': 'Aucune conversation non lue',
    'tray.open': 'Ouvrir Greenline',
    'tray.doNotDisturb': 'Ne pas déranger',
    'tray.startAtLogin': 'Lancer à l’ouverture de session',
    'tray.showLogs': 'Afficher les fichiers journaux',
    'tray.quit': 'Quitter Greenline',
    'tray.teamRetry': 'Essayer de se connecter maintenant',
    'tray.teamSignIn': 'Se reconnecter…',
    'notification.replyNotSent': 'Réponse non envoyée',
    'startup.failed': 'Greenline n’a pas pu démarrer',
    'devicePage.invalidLink': 'Ce lien de connexion n’est pas valide. Recommencez depuis l’application Greenline.',
    'devicePage.question': 'Autoriser {device} à se connecter à Greenline en tant que {name} ?',
    'devicePage.ownToken':
      'L’application reçoit son propre jeton d’accès. Vous pouvez la déconnecter dans l’application, ou sous Paramètres → Jetons d’accès.',
    'devicePage.allow': 'Autoriser',
    'devicePage.cancel': 'Annuler',
    'devicePage.sessionEnded': 'Votre session de navigateur a pris fin. Recommencez depuis l’application Greenline.',
  },
  de: {
    'tray.noUnread': 'Keine ungelesenen Unterhaltungen',
    'tray.open': 'Greenline öffnen',
    'tray.doNotDisturb': 'Nicht stören',
    'tray.startAtLogin': 'Bei der Anmeldung starten',
    'tray.showLogs': 'Protokolldateien anzeigen',
    'tray.quit': 'Greenline beenden',
    'tray.teamRetry': 'Jetzt verbinden',
    'tray.teamSignIn': 'Erneut anmelden…',
    'notification.replyNotSent': 'Antwort nicht gesendet',
    'startup.failed': 'Greenline konnte nicht starten',
    'devicePage.invalidLink': 'Dieser Anmeldelink ist ungültig. Beginnen Sie neu in der Greenline-App.',
    'devicePage.question': 'Darf sich {device} als {name} bei Greenline anmelden?',
    'devicePage.ownToken':
      'Die App erhält ein eigenes Zugriffstoken. Sie können sie in der App abmelden oder unter Einstellungen → Zugriffstoken.',
    'devicePage.allow': 'Erlauben',
    'devicePage.cancel': 'Abbrechen',
    'devicePage.sessionEnded': 'Ihre Browsersitzung ist beendet. Beginnen Sie neu in der Greenline-App.',
  },
}

/** The text in `locale` with its {values}; English if that language lacks it (the check prevents it). */
export function nativeText(locale: ShippedLocale, key: NativeTextKey, params: Record<string, string | number> = {}): string {
  const text = NATIVE_TEXTS[locale]?.[key] ?? en[key]
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])))
}
