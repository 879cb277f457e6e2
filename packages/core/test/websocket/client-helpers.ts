import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { WebSocketServer, type WebSocket } from 'ws'
import { within } from './helpers.js'

export { freePort } from '../support/ports.js'

/** A ws server in this process that records connections and messages, closed by `stop()`. */
export interface Peer {
  wss: WebSocketServer
  port: number
  sockets: WebSocket[]
  messages: string[]
  closes: number[]
  stop: () => Promise<void>
}

export async function startPeer (port = 0, options: ConstructorParameters<typeof WebSocketServer>[0] = {}): Promise<Peer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, ...options })
  await once(wss, 'listening')
  const peer: Peer = {
    wss,
    port: (wss.address() as { port: number }).port,
    sockets: [],
    messages: [],
    closes: [],
    stop: async () => {
      for (const ws of wss.clients) ws.terminate()
      await new Promise((resolve) => wss.close(resolve))
    },
  }
  wss.on('connection', (ws) => {
    peer.sockets.push(ws)
    ws.on('message', (data) => peer.messages.push(String(data)))
    ws.on('close', (code) => peer.closes.push(code))
  })
  return peer
}

const peerScript = fileURLToPath(new URL('./fixtures/ws-peer.mjs', import.meta.url))

/** fixtures/ws-peer.mjs in a process of its own, resolved once it listens. */
export async function spawnPeer (port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [peerScript, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] })
  await within(new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (String(chunk).includes('listening')) resolve() })
    child.once('exit', (code) => reject(new Error(`ws-peer exited with ${code} before listening`)))
  }), 'the peer process to listen')
  return child
}

/** Kills a child process and waits for it to be gone. */
export async function kill (child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill(signal)
  await exited
}
