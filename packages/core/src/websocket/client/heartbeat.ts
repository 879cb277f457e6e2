import type { WebSocket } from 'ws'

/**
 * Pings a connection every `interval` and reports it dead when nothing (no pong, no message)
 * came back within `timeout` of the first unanswered ping. One per connection; stop() clears
 * both timers.
 */
export class Heartbeat {
  #lastSeen = Date.now()
  #waitingSince = 0
  #tick: NodeJS.Timeout | undefined
  #deadline: NodeJS.Timeout | undefined

  constructor (ws: WebSocket, interval: number, timeout: number, onDead: () => void) {
    this.#tick = setInterval(() => {
      if (ws.readyState !== ws.OPEN) return
      ws.ping()
      // One deadline at a time, counted from the first ping left unanswered, so an interval
      // shorter than the timeout still detects a silent peer.
      if (this.#deadline) return
      this.#waitingSince = Date.now()
      this.#deadline = setTimeout(() => {
        this.#deadline = undefined
        if (this.#lastSeen < this.#waitingSince) onDead()
      }, timeout)
    }, interval)
  }

  /** The peer showed it is alive (a pong or a message). */
  seen (): void {
    this.#lastSeen = Date.now()
  }

  stop (): void {
    clearInterval(this.#tick)
    clearTimeout(this.#deadline)
    this.#tick = undefined
    this.#deadline = undefined
  }
}
