import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'

/**
 * How long a connection answered before its request was read (a 413 on Content-Length, a cut
 * upload) keeps reading and dropping what its client still sends, after the answer: Apache's
 * lingering close.
 */
export const LINGER_MS = 2_000

type LingeringSocket = Socket & { destroySoon?: () => void, taoLingers?: true }

/**
 * Makes the close that follows the answer on `socket` a lingering one. Node closes such a
 * connection as soon as the answer is written; with the client's unread body still arriving,
 * the kernel then resets the connection, and a client still writing loses the answer it has
 * not read yet (a browser shows "connection reset" instead of the 413). Instead: half-close
 * after the answer, keep reading (and dropping: the request was already answered) until the
 * client closes its side or {@link LINGER_MS} pass, then close. Called once per such answer;
 * nothing for any other request.
 */
export function lingerOnClose (req: IncomingMessage): void {
  const s = req.socket as LingeringSocket | null
  if (!s || s.taoLingers || typeof s.destroySoon !== 'function' || s.destroyed) return
  s.taoLingers = true
  // Node's HTTP server calls destroySoon() when a `Connection: close` answer has finished.
  s.destroySoon = function lingeringClose (this: LingeringSocket): void {
    if (this.writable) this.end()
    const timer = setTimeout(() => this.destroy(), LINGER_MS)
    timer.unref()
    this.once('close', () => clearTimeout(timer))
    // A body reader stopped at the cut left the request paused, and with it the socket: read
    // on, to nothing, until the client's end (the half-closed socket then closes itself).
    req.resume()
    this.resume()
  }
}
