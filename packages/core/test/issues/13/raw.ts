// Raw HTTP over node:net for the #13 regressions: every byte as written, and what the server
// answered, when, and whether it closed the connection.
import { connect, type Socket } from 'node:net'

/** What came back on one connection. */
export interface RawAnswer {
  status: number
  head: string
  body: string
  /** Bytes of the request body written before the answer's first byte arrived. */
  writtenBeforeAnswer: number
  /** True when the server closed the connection (rather than the client's timeout). */
  closedByServer: boolean
}

function header (head: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1]?.trim()
}

/** The value of response header `name`, or undefined. */
export const headerOf = header

/**
 * Writes `head` (request line and headers, without the blank line) and then `body`; with
 * `stream`, writes `stream.chunk` up to `stream.total` bytes (or until the server answers and
 * closes). Resolves with the answer once the server closes the connection, or after `timeout`.
 */
export function rawRequest (port: number, head: string, body: Buffer | string = '', stream?: { chunk: Buffer, total: number }, timeout = 10_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let written = 0
    let writtenBeforeAnswer = -1
    let closedByServer = false
    const finish = () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      const h = split === -1 ? text : text.slice(0, split)
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(h)?.[1] ?? 0), head: h, body: split === -1 ? '' : text.slice(split + 4), writtenBeforeAnswer, closedByServer })
    }
    const timer = setTimeout(() => { socket.destroy(); finish() }, timeout)
    socket.on('connect', () => {
      socket.write(`${head}\r\n\r\n`, 'latin1')
      if (body.length > 0) { socket.write(body); written += Buffer.byteLength(body) }
      if (!stream) return
      const pump = (): void => {
        while (written < stream.total && chunks.length === 0 && !socket.destroyed) {
          written += stream.chunk.length
          if (!socket.write(stream.chunk)) { socket.once('drain', pump); return }
        }
      }
      pump()
    })
    socket.on('data', (c: Buffer) => {
      if (writtenBeforeAnswer === -1) writtenBeforeAnswer = written
      chunks.push(c)
    })
    // A server closing while the client still writes may reset the connection: that is a close too.
    socket.on('error', () => { closedByServer = true })
    socket.on('end', () => { closedByServer = true })
    socket.on('close', finish)
  })
}
