/** WhatsApp-like look for the phone simulator. */
export const SIMULATOR_CSS = `
:root { --green: #075e54; --light: #25d366; --mine: #d9fdd3; --bg: #efeae2; --text: #111b21; --muted: #54656f; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; justify-content: center; align-items: flex-start;
  background: #d1d7db; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); }
.phone { width: 100%; max-width: 440px; min-height: 100vh; display: flex; flex-direction: column; background: var(--bg);
  box-shadow: 0 0 24px rgba(0,0,0,.15); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.topbar { background: var(--green); color: #fff; padding: 8px 10px; display: flex; flex-wrap: wrap; gap: 6px; justify-content: space-between; align-items: center; }
.topbar select { max-width: 280px; padding: 4px; border-radius: 6px; border: 0; font: inherit; }
.topbar .state { font-size: 12px; opacity: .85; margin-left: 6px; }
.clock { display: flex; align-items: center; gap: 4px; font-size: 12px; }
.clock time { margin-right: 4px; }
.clock button { background: rgba(255,255,255,.18); color: #fff; border: 0; border-radius: 12px; padding: 3px 8px; cursor: pointer; font: inherit; }
.clock button:hover, .clock button:focus-visible { background: rgba(255,255,255,.32); }
.add-user { background: #f0f2f5; padding: 4px 10px; font-size: 13px; }
.add-user form { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 6px 0; }
.add-user input[name] { padding: 4px; border: 1px solid #ccc; border-radius: 4px; width: 130px; }
.chat-title { display: flex; gap: 10px; align-items: center; padding: 8px 12px; background: #f0f2f5; border-bottom: 1px solid #ddd; }
.chat-title small { display: block; color: var(--muted); font-size: 12px; }
.avatar { width: 36px; height: 36px; border-radius: 50%; background: var(--light); color: #fff; display: grid; place-items: center; font-weight: 700; }
.chat { flex: 1; overflow-y: auto; padding: 12px 10px; display: flex; flex-direction: column; gap: 6px; min-height: 320px; }
.bubble { max-width: 82%; padding: 6px 9px 4px; border-radius: 8px; box-shadow: 0 1px .5px rgba(0,0,0,.13); position: relative; word-wrap: break-word; white-space: pre-wrap; }
.bubble[data-from="business"] { align-self: flex-start; background: #fff; border-top-left-radius: 0; }
.bubble[data-from="user"] { align-self: flex-end; background: var(--mine); border-top-right-radius: 0; }
.bubble .meta { display: block; text-align: right; font-size: 11px; color: var(--muted); margin-top: 2px; }
.bubble .meta .ticks.read { color: #53bdeb; }
.bubble .tag { display: table; font-size: 10px; font-weight: 600; text-transform: uppercase; color: #fff; background: var(--muted); border-radius: 4px; padding: 0 4px; margin-bottom: 3px; }
.bubble .quote { border-left: 3px solid var(--light); background: rgba(0,0,0,.05); padding: 2px 6px; font-size: 12px; color: var(--muted); margin-bottom: 4px; border-radius: 4px; }
.bubble img { display: block; max-width: 100%; max-height: 260px; border-radius: 6px; }
.bubble audio { width: 220px; }
.bubble .reaction { position: absolute; bottom: -12px; right: 8px; background: #fff; border-radius: 10px; padding: 0 4px; font-size: 13px; box-shadow: 0 1px 2px rgba(0,0,0,.2); }
.bubble.has-reaction { margin-bottom: 12px; }
.buttons { display: flex; flex-direction: column; gap: 1px; margin: 6px -9px -4px; border-top: 1px solid #e9edef; }
.buttons button { background: #fff; border: 0; border-top: 1px solid #e9edef; padding: 8px; color: #027eb5; font: inherit; font-weight: 600; cursor: pointer; }
.buttons button:first-child { border-top: 0; }
.buttons button:hover, .buttons button:focus-visible { background: #f5f6f6; }
.system { align-self: center; background: #fff8c5; color: var(--muted); font-size: 12px; padding: 3px 8px; border-radius: 6px; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; padding: 6px 10px; background: #f0f2f5; border-top: 1px solid #ddd; }
.actions button { border: 1px solid #c9d1d6; background: #fff; border-radius: 14px; padding: 4px 10px; cursor: pointer; font: inherit; font-size: 13px; }
.actions button:hover, .actions button:focus-visible { background: #e9edef; }
button:disabled { opacity: .45; cursor: not-allowed; }
.composer { display: flex; gap: 6px; padding: 8px 10px; background: #f0f2f5; align-items: center; }
.composer input#sim-compose { flex: 1; padding: 9px 12px; border-radius: 20px; border: 0; font: inherit; }
.composer button { width: 40px; height: 40px; border-radius: 50%; border: 0; background: var(--green); color: #fff; font-size: 17px; cursor: pointer; }
.photo { position: relative; cursor: pointer; font-size: 20px; }
.photo input { position: absolute; inset: 0; opacity: 0; width: 100%; cursor: pointer; }
.photo:focus-within { outline: 2px solid var(--green); border-radius: 4px; }
.status { margin: 0; padding: 2px 12px 8px; background: #f0f2f5; min-height: 1.4em; font-size: 12px; color: #b3261e; }
:focus-visible { outline: 2px solid #1a73e8; outline-offset: 1px; }
`
