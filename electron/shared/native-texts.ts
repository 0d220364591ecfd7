import type { ShippedLocale } from './locale-choice'

/**
 * What the desktop app says outside its window — native notifications, the tray menu, the
 * startup error box — in each shipped language. The main process has no vue-i18n and may not read
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
  'notification.replyNotSent': 'Reply not sent',
  'startup.failed': 'Greenline could not start',
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
    'notification.replyNotSent': 'Respuesta no enviada',
    'startup.failed': 'Greenline no pudo iniciarse',
  },
  'pt-BR': {
    'tray.noUnread': 'Nenhuma conversa não lida',
    'tray.open': 'Abrir o Greenline',
    'tray.doNotDisturb': 'Não perturbe',
    'tray.startAtLogin': 'Abrir ao iniciar a sessão',
    'tray.showLogs': 'Mostrar os arquivos de log',
    'tray.quit': 'Sair do Greenline',
    'notification.replyNotSent': 'Resposta não enviada',
    'startup.failed': 'O Greenline não conseguiu iniciar',
  },
  fr: {
    'tray.noUnread': 'Aucune conversation non lue',
    'tray.open': 'Ouvrir Greenline',
    'tray.doNotDisturb': 'Ne pas déranger',
    'tray.startAtLogin': 'Lancer à l’ouverture de session',
    'tray.showLogs': 'Afficher les fichiers journaux',
    'tray.quit': 'Quitter Greenline',
    'notification.replyNotSent': 'Réponse non envoyée',
    'startup.failed': 'Greenline n’a pas pu démarrer',
  },
  de: {
    'tray.noUnread': 'Keine ungelesenen Unterhaltungen',
    'tray.open': 'Greenline öffnen',
    'tray.doNotDisturb': 'Nicht stören',
    'tray.startAtLogin': 'Bei der Anmeldung starten',
    'tray.showLogs': 'Protokolldateien anzeigen',
    'tray.quit': 'Greenline beenden',
    'notification.replyNotSent': 'Antwort nicht gesendet',
    'startup.failed': 'Greenline konnte nicht starten',
  },
}

/** The text in `locale` with its {values}; English if that language lacks it (the check prevents it). */
export function nativeText(locale: ShippedLocale, key: NativeTextKey, params: Record<string, string | number> = {}): string {
  const text = NATIVE_TEXTS[locale]?.[key] ?? en[key]
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])))
}
