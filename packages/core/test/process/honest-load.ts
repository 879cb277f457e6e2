// A load client over raw sockets that accounts for every request it writes, unlike autocannon
// (which reconnects and forgets a request the server never answered). Keep-alive connections;
// after a `Connection: close` answer, or when the server closes an idle connection, a fresh
// connection is opened.
import { connect, type Socket } from 'node:net'

/** What a run saw. `written` = `answered` + `lost`. */
export interface Accounting {
  /** Requests written to a connection. */
  written: number
  /** Requests that got a whole response. */
  answered: number
  /** Connection attempts refused (nothing written): nothing listens any more. */
  refused: number
  /** Requests written and never answered (reset, closed or still unanswered at the end). */
  lost: number
  /** Answers by status code. */
  byStatus: Record<number, number>
  /** Why each lost request was lost, counted. */
  lostHow: Record<string, number>
}

/** Options of {@link honestLoad}. */
export interface HonestLoadOptions {
  /** `http://host:port`. */
  address: string
  path: string
  connections?: number
  /** Upper bound of the whole run. */
  maxSeconds?: number
  /**
   * At the end, let requests in flight get their answers (each connection closes after its
   * answer) instead of half-closing every connection at once: a proxy such as nginx treats a
   * client's FIN as an abort and drops the request. Default false.
   */
  awaitAnswers?: boolean
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Parses one response at the start of `buf`: its length in bytes, status and whether it closes. */
function parseResponse (buf: Buffer): { length: number, status: number, close: boolean } | null {
  const head = buf.indexOf('\r\n\r\n')
  if (head === -1) return null
  const lines = buf.subarray(0, head).toString('latin1').split('\r\n')
  const status = Number(lines[0]!.split(' ')[1])
  const headers = new Map(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
  const close = (headers.get('connection') ?? '').toLowerCase() === 'close'
  if (headers.get('transfer-encoding') === 'chunked') {
    const end = buf.indexOf('\r\n0\r\n\r\n', head)
    return end === -1 ? null : { length: end + 7, status, close }
  }
  const length = head + 4 + Number(headers.get('content-length') ?? 0)
  return buf.length >= length ? { length, status, close } : null
}

/**
 * Runs `connections` keep-alive clients against `address` + `path` while `during()` runs (plus
 * 300 ms), then waits up to 3 s for the answers still due and counts the rest as lost.
 */
export async function honestLoad (opts: HonestLoadOptions, during: () => Promise<void>): Promise<Accounting> {
  const { hostname, port } = new URL(opts.address)
  const request = Buffer.from(`GET ${opts.path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: keep-alive\r\n\r\n`)
  const acc: Accounting = { written: 0, answered: 0, refused: 0, lost: 0, byStatus: {}, lostHow: {} }
  const lose = (how: string) => { acc.lost++; acc.lostHow[how] = (acc.lostHow[how] ?? 0) + 1 }
  let stopped = false
  const open = new Set<Socket>()

  // One connection's life: resolves when it ended (closed by either side); false when refused.
  const session = () => new Promise<boolean>((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) })
    let connected = false
    let waiting = false
    let buf: Buffer = Buffer.alloc(0)
    open.add(socket)
    const send = () => {
      if (stopped || socket.destroyed || socket.writableEnded || socket.readableEnded) { socket.destroy(); return }
      waiting = true
      acc.written++
      socket.write(request)
    }
    socket.once('connect', () => { connected = true; send() })
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
      const res = parseResponse(buf)
      if (!res) return
      buf = buf.subarray(res.length)
      waiting = false
      acc.answered++
      acc.byStatus[res.status] = (acc.byStatus[res.status] ?? 0) + 1
      if (res.close) socket.end()
      else send()
    })
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (waiting) { waiting = false; lose(err.code ?? err.message) }
    })
    socket.on('close', () => {
      open.delete(socket)
      if (waiting) { waiting = false; lose(stopped ? 'unanswered at the end' : 'closed before the answer') }
      resolve(connected)
    })
  })

  const client = async (): Promise<void> => {
    if (stopped) return
    if (!(await session())) { acc.refused++; await sleep(20) }
    await client()
  }
  const clients = Array.from({ length: opts.connections ?? 100 }, client)
  const hardStop = setTimeout(() => { stopped = true }, (opts.maxSeconds ?? 30) * 1000)
  try {
    await during()
    await sleep(300)
  } finally {
    clearTimeout(hardStop)
    stopped = true
  }
  // Answers still due get 3 s, then whatever is open is closed (and its request counted lost).
  const grace = setTimeout(() => { for (const s of open) s.destroy() }, 3_000)
  if (opts.awaitAnswers !== true) for (const s of open) s.end()
  await Promise.all(clients)
  clearTimeout(grace)
  return acc
}

/** One line for the report. */
export function describeAccounting (what: string, a: Accounting): string {
  const how = Object.entries(a.lostHow).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'
  return `${what}: ${a.written} written, ${a.answered} answered, ${a.refused} connections refused, ${a.lost} lost (${how})`
}
