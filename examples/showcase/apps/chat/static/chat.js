// The chat page: one websocket to chat:socket; every message is shown with textContent, so
// what others type is never read as HTML.
const log = document.getElementById('log')
const status = document.getElementById('status')
const form = document.getElementById('send')
const name = document.getElementById('name')
const text = document.getElementById('text')
const url = new URL(log.dataset.socket, window.location.href)
url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:'

function show (name, text) {
  const item = document.createElement('li')
  const who = document.createElement('b')
  who.textContent = name
  item.append(who, document.createTextNode(text))
  log.append(item)
  item.scrollIntoView({ block: 'nearest' })
}

let socket
function connect () {
  socket = new WebSocket(url)
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(event.data)
    if (message.type === 'presence') status.textContent = `${message.online} connected.`
    if (message.type === 'message') show(message.name, message.text)
  })
  socket.addEventListener('close', () => {
    status.textContent = 'Disconnected; retrying…'
    setTimeout(connect, 2000)
  })
}
connect()

form.addEventListener('submit', (event) => {
  event.preventDefault()
  if (socket.readyState !== WebSocket.OPEN || !text.value.trim()) return
  socket.send(JSON.stringify({ name: name.value, text: text.value }))
  text.value = ''
})
