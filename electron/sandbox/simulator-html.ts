/** The phone simulator page. Script and style are separate files so the CSP can forbid inline code. */
export const SIMULATOR_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Greenline sandbox · phone simulator</title>
<link rel="stylesheet" href="/simulator.css">
<script type="module" src="/simulator.js"></script>
</head>
<body>
<div class="phone">
  <header class="topbar">
    <div class="who">
      <label for="sim-user" class="visually-hidden">Simulated WhatsApp user</label>
      <select id="sim-user" data-testid="sim-user-select" aria-label="Simulated WhatsApp user"></select>
      <span id="sim-user-state" class="state"></span>
    </div>
    <div class="clock" role="group" aria-label="Sandbox clock">
      <time id="sim-clock-now" data-testid="sim-clock-now" aria-label="Sandbox time"></time>
      <button type="button" id="sim-clock-1h" data-testid="sim-clock-1h" aria-label="Advance the clock by 1 hour">+1 h</button>
      <button type="button" id="sim-clock-25h" data-testid="sim-clock-25h" aria-label="Advance the clock by 25 hours">+25 h</button>
    </div>
  </header>
  <details class="add-user">
    <summary>Add a user</summary>
    <form id="sim-add-user" aria-label="Add a simulated user">
      <label>Phone <input name="phone" required placeholder="+14155550123" autocomplete="off" aria-label="New user phone (E.164)"></label>
      <label>Name <input name="name" required autocomplete="off" aria-label="New user name"></label>
      <label class="check"><input type="checkbox" name="onWhatsApp" checked> On WhatsApp</label>
      <button type="submit">Add</button>
    </form>
  </details>
  <div class="chat-title">
    <span class="avatar" aria-hidden="true">G</span>
    <div><strong id="sim-business">Business</strong><small id="sim-window"></small></div>
  </div>
  <main id="sim-chat" class="chat" role="log" aria-live="polite" aria-label="Chat with the business"></main>
  <div class="actions" role="toolbar" aria-label="Quick actions">
    <button type="button" id="sim-stop" data-testid="sim-stop" aria-label="Reply STOP">STOP</button>
    <button type="button" id="sim-react" data-testid="sim-react" aria-label="React with a thumbs up to the latest business message">👍</button>
    <button type="button" id="sim-read" data-testid="sim-read" aria-label="Mark everything read">Mark read</button>
    <button type="button" id="sim-sms" data-testid="sim-sms" aria-label="Send the typed text as an SMS">Send SMS</button>
    <button type="button" id="sim-voicemail" data-testid="sim-voicemail" aria-label="Drop a voicemail">Drop voicemail</button>
  </div>
  <form id="sim-composer" class="composer" aria-label="Write a message">
    <label class="photo" title="Send a photo">
      <span aria-hidden="true">📷</span>
      <input type="file" id="sim-photo" data-testid="sim-photo-input" accept="image/jpeg,image/png" aria-label="Send a photo">
    </label>
    <input id="sim-compose" data-testid="sim-compose" autocomplete="off" placeholder="Message" aria-label="Message text">
    <button type="submit" id="sim-send" data-testid="sim-send" aria-label="Send message">➤</button>
  </form>
  <p id="sim-status" class="status" role="status"></p>
</div>
</body>
</html>
`
