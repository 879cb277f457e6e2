// Shows each tick the server publishes on the 'clock' channel.
const now = document.getElementById('now')
const status = document.getElementById('status')
const url = new URL(now.dataset.socket, window.location.href)
url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:'

function show (iso) {
  now.dateTime = iso
  now.textContent = new Date(iso).toLocaleTimeString()
}
show(now.dateTime)

function connect () {
  const socket = new WebSocket(url)
  socket.addEventListener('open', () => { status.textContent = 'Live.' })
  socket.addEventListener('message', (event) => show(JSON.parse(event.data).now))
  socket.addEventListener('close', () => {
    status.textContent = 'Disconnected; retrying…'
    setTimeout(connect, 2000)
  })
}
connect()
