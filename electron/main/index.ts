// The desktop shell is built in electron/main (window, tray, notifications, IPC registration).
import { app } from 'electron'

app.whenReady().then(() => undefined)
