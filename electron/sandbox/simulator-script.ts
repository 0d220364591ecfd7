/**
 * The phone simulator's browser code. Every piece of user or message text goes in through
 * textContent; the page never builds HTML from data.
 */
export const SIMULATOR_JS = String.raw`
const $ = (id) => document.getElementById(id)
const state = { phone: null, users: [], usersSignature: '', chat: null, signature: '' }
const POLL_MS = 700

async function api(method, path, body) {
  const init = { method, headers: {} }
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const response = await fetch(path, init)
  const data = await response.json().catch(() => ({}))
  if (!response.ok) throw new Error(data.error || ('HTTP ' + response.status))
  return data
}

function setStatus(text) { $('sim-status').textContent = text || '' }

function userPath(suffix) { return '/sandbox/users/' + encodeURIComponent(state.phone) + suffix }

async function act(work) {
  setStatus('')
  try { await work(); await refresh(true) } catch (error) { setStatus(error.message) }
}

function el(tag, props, children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null) continue
    if (key === 'text') node.textContent = value
    else if (key === 'className') node.className = value
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'title') node.setAttribute(key, value)
    else node[key] = value
  }
  for (const child of children || []) if (child) node.appendChild(child)
  return node
}

function time(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

async function loadUsers() {
  const users = await api('GET', '/sandbox/users')
  const usersSignature = JSON.stringify(users.map((u) => [u.phone, u.name, u.onWhatsApp]))
  if (usersSignature === state.usersSignature) { state.users = users; return }
  state.usersSignature = usersSignature
  state.users = users
  const select = $('sim-user')
  const wanted = state.phone || new URLSearchParams(location.search).get('user') || (state.users[0] && state.users[0].phone)
  select.replaceChildren(...state.users.map((user) =>
    el('option', { value: user.phone, text: user.name + ' · ' + user.phone + (user.onWhatsApp ? '' : ' (not on WhatsApp)') })))
  if (state.users.some((user) => user.phone === wanted)) state.phone = wanted
  else state.phone = state.users[0] ? state.users[0].phone : null
  select.value = state.phone || ''
}

function currentUser() { return state.users.find((user) => user.phone === state.phone) }

function latestTemplateWithButtons(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m.direction === 'out' && m.type === 'template' && m.buttons && m.buttons.length) return m
  }
  return null
}

function latestBusinessMessage(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m.direction === 'out' && m.channel === 'whatsapp' && m.type !== 'reaction') return m
  }
  return null
}

function reactionsByTarget(messages) {
  const map = new Map()
  for (const m of messages) if (m.type === 'reaction' && m.reaction) map.set(m.reaction.messageId, m.reaction.emoji)
  return map
}

function describe(entry) {
  if (entry.type === 'button') return entry.text
  return entry.text || entry.caption || ''
}

function bubble(entry, context) {
  // The page is the user's phone: what the business sent arrives "in", what the user sends goes "out".
  const fromBusiness = entry.direction === 'out'
  const node = el('div', {
    className: 'bubble',
    'data-testid': 'sim-message',
    'data-direction': fromBusiness ? 'in' : 'out',
    'data-from': fromBusiness ? 'business' : 'user',
    'data-channel': entry.channel,
    'data-type': entry.type,
    'data-id': entry.id,
  })
  if (entry.channel !== 'whatsapp') node.appendChild(el('span', { className: 'tag', text: entry.channel === 'sms' ? 'SMS' : 'Voicemail' }))
  if (entry.contextId) {
    const quoted = context.byId.get(entry.contextId)
    node.appendChild(el('div', { className: 'quote', text: quoted ? describe(quoted) : 'Replying to a message' }))
  }
  if (entry.mediaId && entry.type === 'image') {
    node.appendChild(el('img', { src: '/sandbox/media/' + encodeURIComponent(entry.mediaId), alt: entry.caption || 'Photo' }))
  }
  if (entry.type === 'voicemail') {
    node.appendChild(el('audio', { controls: true, src: '/sandbox/media/' + encodeURIComponent(entry.mediaId), 'aria-label': 'Voicemail audio' }))
    node.appendChild(el('div', { text: (Math.round(entry.durationMs / 100) / 10) + ' s' + (entry.transcript ? ' · ' + entry.transcript : '') }))
  } else {
    const text = entry.type === 'image' ? entry.caption : entry.text
    if (text) node.appendChild(el('div', { className: 'text', text }))
  }
  if (entry.buttons && entry.buttons.length) {
    const isLatestTemplate = context.latestTemplate && context.latestTemplate.id === entry.id
    node.appendChild(el('div', { className: 'buttons' }, entry.buttons.map((button) => {
      let testid = 'sim-template-button'
      if (isLatestTemplate && button.index === 0) testid = 'sim-consent-yes'
      if (isLatestTemplate && button.index === 1) testid = 'sim-consent-no'
      const b = el('button', { type: 'button', text: button.text, 'data-testid': testid, 'aria-label': 'Tap ' + button.text })
      const body = entry.type === 'template' ? { buttonPayload: button.payload } : { buttonReplyId: button.payload }
      b.addEventListener('click', () => act(() => api('POST', userPath('/messages'), body)))
      return b
    })))
  }
  const meta = el('span', { className: 'meta', text: time(entry.at) + ' ' })
  if (!fromBusiness && entry.channel === 'whatsapp') {
    meta.appendChild(el('span', { className: 'ticks' + (entry.readByBusiness ? ' read' : ''), text: entry.readByBusiness ? '✓✓' : '✓', 'aria-label': entry.readByBusiness ? 'Read by the business' : 'Sent' }))
  }
  node.appendChild(meta)
  const reaction = context.reactions.get(entry.id)
  if (reaction) {
    node.classList.add('has-reaction')
    node.appendChild(el('span', { className: 'reaction', text: reaction, 'aria-label': 'Reaction ' + reaction }))
  }
  return node
}

function render() {
  const chat = state.chat
  const box = $('sim-chat')
  const user = currentUser()
  $('sim-user-state').textContent = user ? (user.onWhatsApp ? '' : 'not on WhatsApp') : ''
  if (!chat) { box.replaceChildren(el('div', { className: 'system', text: 'No user selected' })); return }
  const messages = chat.messages
  const context = {
    byId: new Map(messages.map((m) => [m.id, m])),
    reactions: reactionsByTarget(messages),
    latestTemplate: latestTemplateWithButtons(messages),
  }
  const nodes = messages.filter((m) => m.type !== 'reaction').map((m) => bubble(m, context))
  if (!nodes.length) nodes.push(el('div', { className: 'system', text: 'No messages yet' }))
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40
  box.replaceChildren(...nodes)
  if (atBottom) box.scrollTop = box.scrollHeight
  const windowText = chat.user.windowOpen
    ? 'Window open until ' + new Date(chat.user.lastInboundAt + 24 * 3600 * 1000).toLocaleString()
    : 'Window closed: the business can only send templates'
  $('sim-business').textContent = chat.business.name + ' · +' + chat.business.displayPhoneNumber
  $('sim-window').textContent = chat.user.onWhatsApp ? windowText : 'Not on WhatsApp: SMS and voicemail only'
  for (const id of ['sim-stop', 'sim-react', 'sim-read', 'sim-send', 'sim-photo']) $(id).disabled = !chat.user.onWhatsApp
  $('sim-react').disabled = !chat.user.onWhatsApp || !latestBusinessMessage(messages)
}

async function refresh(force) {
  const clock = await api('GET', '/sandbox/clock')
  const now = $('sim-clock-now')
  now.textContent = new Date(clock.now).toLocaleString()
  now.dateTime = new Date(clock.now).toISOString()
  if (!state.phone) { state.chat = null; render(); return }
  const chat = await api('GET', userPath('/chat'))
  const signature = JSON.stringify([chat.messages, chat.user])
  if (!force && signature === state.signature) return
  state.signature = signature
  state.chat = chat
  render()
}

async function poll() {
  try { await refresh(false) } catch (error) { setStatus('Sandbox unreachable: ' + error.message) }
  setTimeout(poll, POLL_MS)
}

function fileToBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(new Error('Could not read the file'))
    reader.readAsDataURL(file)
  })
}

function wire() {
  $('sim-user').addEventListener('change', (event) => {
    state.phone = event.target.value
    state.signature = ''
    act(async () => {})
  })
  $('sim-composer').addEventListener('submit', (event) => {
    event.preventDefault()
    const input = $('sim-compose')
    const text = input.value.trim()
    if (!text) return
    act(async () => { await api('POST', userPath('/messages'), { text }); input.value = '' })
  })
  $('sim-photo').addEventListener('change', (event) => {
    const file = event.target.files && event.target.files[0]
    if (!file) return
    const caption = $('sim-compose').value.trim()
    act(async () => {
      const imageBase64 = await fileToBase64(file)
      await api('POST', userPath('/messages'), { imageBase64, mimeType: file.type, caption: caption || undefined })
      $('sim-compose').value = ''
      event.target.value = ''
    })
  })
  $('sim-stop').addEventListener('click', () => act(() => api('POST', userPath('/messages'), { text: 'STOP' })))
  $('sim-react').addEventListener('click', () => act(async () => {
    const target = latestBusinessMessage(state.chat ? state.chat.messages : [])
    if (!target) throw new Error('Nothing from the business to react to')
    await api('POST', userPath('/messages'), { reaction: { messageId: target.id, emoji: '👍' } })
  }))
  $('sim-read').addEventListener('click', () => act(() => api('POST', userPath('/read'), {})))
  $('sim-sms').addEventListener('click', () => act(async () => {
    const input = $('sim-compose')
    const text = input.value.trim()
    if (!text) throw new Error('Type the SMS text first')
    await api('POST', userPath('/sms'), { text })
    input.value = ''
  }))
  $('sim-voicemail').addEventListener('click', () => act(async () => {
    const input = $('sim-compose')
    const transcript = input.value.trim() || 'Hi, it is me. Please call me back when you can.'
    await api('POST', userPath('/voicemail'), { durationMs: 3000, transcript })
    input.value = ''
  }))
  $('sim-clock-1h').addEventListener('click', () => act(() => api('POST', '/sandbox/clock', { advanceMs: 3600 * 1000 })))
  $('sim-clock-25h').addEventListener('click', () => act(() => api('POST', '/sandbox/clock', { advanceMs: 25 * 3600 * 1000 })))
  $('sim-add-user').addEventListener('submit', (event) => {
    event.preventDefault()
    const form = event.target
    const body = { phone: form.elements.phone.value.trim(), name: form.elements.name.value.trim(), onWhatsApp: form.elements.onWhatsApp.checked }
    act(async () => {
      const user = await api('POST', '/sandbox/users', body)
      state.phone = user.phone
      state.signature = ''
      form.reset()
      await loadUsers()
    })
  })
}

async function start() {
  wire()
  try { await loadUsers() } catch (error) { setStatus(error.message) }
  setInterval(() => { loadUsers().catch(() => {}) }, 5000)
  poll()
}

start()
`
