import type { WebSocketServer } from 'ws'

/** The close code and reason every socket gets when the app shuts down. */
export const GOING_AWAY = 1001
const REASON = 'Server shutting down'

/**
 * Closes every socket of `wss` with 1001 (Going Away) and resolves once all have closed. A
 * client that does not finish the close handshake within `timeout` ms is cut. The server
 * refuses handshakes still in flight from then on. Idempotent.
 */
export async function closeSockets (wss: WebSocketServer, timeout: number): Promise<void> {
  const open = [...wss.clients].filter((socket) => socket.readyState !== socket.CLOSED)
  wss.close()
  if (open.length === 0) return
  await new Promise<void>((resolve) => {
    let left = open.length
    const cut = setTimeout(() => {
      for (const socket of open) socket.terminate()
    }, timeout)
    const closed = (): void => {
      if (--left > 0) return
      clearTimeout(cut)
      resolve()
    }
    for (const socket of open) {
      socket.once('close', closed)
      socket.close(GOING_AWAY, REASON)
    }
  })
}
