// Shows the clock, the pin and the buzzer live: one websocket to this site, which relays the
// clock's ticks and what the two other machines report.
const root = document.getElementById('pipeline')
const status = document.getElementById('status')
const url = new URL(root.dataset.socket, window.location.href)
url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
let audio = null

function beep () {
  if (!document.getElementById('sound').checked) return
  audio ??= new window.AudioContext()
  const osc = audio.createOscillator()
  osc.frequency.value = 880
  osc.connect(audio.destination)
  osc.start()
  osc.stop(audio.currentTime + 0.08)
}

function ring () {
  const bell = document.getElementById('bell')
  bell.classList.remove('ring')
  bell.getBoundingClientRect() // a reflow, so the animation starts again
  bell.classList.add('ring')
  beep()
}

function show (msg) {
  if (typeof msg.now === 'string') {
    document.getElementById('clock').textContent = new Date(msg.now).toLocaleTimeString()
    return
  }
  const machine = document.getElementById(msg.source)
  if (!machine) return
  // A report is news from a machine that is up (with several workers, this page's worker may
  // not be the one holding the links, and its first word may be stale).
  const link = msg.link ?? 'up'
  machine.dataset.link = link
  machine.querySelector('.link').textContent = link
  if (msg.source === 'pin' && (msg.level === 'high' || msg.level === 'low')) {
    document.getElementById('led').dataset.level = msg.level
    document.getElementById('level').textContent = msg.level
  }
  if (msg.source === 'buzzer' && typeof msg.buzzes === 'number') {
    const count = document.getElementById('buzzes')
    if (String(msg.buzzes) !== count.textContent && msg.buzzes > 0) ring()
    count.textContent = String(msg.buzzes)
  }
}

function connect () {
  const socket = new WebSocket(url)
  socket.addEventListener('open', () => { status.textContent = 'Live.' })
  socket.addEventListener('message', (event) => show(JSON.parse(event.data)))
  socket.addEventListener('close', () => {
    status.textContent = 'Disconnected; retrying…'
    setTimeout(connect, 2000)
  })
}
connect()
