import type { IncomingHttpHeaders } from 'node:http'
import { WebSocket, type ClientOptions, type RawData } from 'ws'

/** Rejects when `promise` has not settled after `ms`: every wait in these tests is bounded. */
export async function within<T> (promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Polls `check` every few ms until it holds; throws (and stops polling) after `ms`. */
export async function eventually (check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A websocket client that records what it receives and how it closed. */
export interface Client {
  ws: WebSocket
  received: string[]
  closed: Promise<{ code: number, reason: string }>
  /** Resolves with the next message (or one already received and not yet taken). */
  next: () => Promise<string>
  /** Resolves once `count` messages have arrived in total. */
  until: (count: number) => Promise<string[]>
}

/** Opens a websocket; rejects with the HTTP status when the upgrade is refused. */
export async function connect (url: string, options: ClientOptions = {}): Promise<Client> {
  const ws = new WebSocket(url, options)
  const received: string[] = []
  let taken = 0
  let ended = false
  const waiters: Array<{ wake: () => void, fail: (err: Error) => void }> = []
  ws.on('message', (data: RawData) => {
    received.push(data.toString())
    for (const w of waiters.splice(0)) w.wake()
  })
  const closed = new Promise<{ code: number, reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      ended = true
      for (const w of waiters.splice(0)) w.fail(new Error(`the socket closed (${code}) after ${received.length} messages`))
      resolve({ code, reason: reason.toString() })
    })
  })
  const wait = async (ready: () => boolean, what: string): Promise<void> => {
    while (!ready()) {
      if (ended) throw new Error(`the socket closed while waiting for ${what}`)
      await within(new Promise<void>((resolve, reject) => { waiters.push({ wake: resolve, fail: reject }) }), what)
    }
  }
  await within(new Promise<void>((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0
      res.resume()
      reject(Object.assign(new Error(`upgrade refused with ${status}`), { status, headers: res.headers }))
    })
  }), `the connection to ${url}`)
  ws.on('error', () => {})
  return {
    ws,
    received,
    closed,
    async next () {
      await wait(() => received.length > taken, 'a message')
      return received[taken++]!
    },
    async until (count) {
      await wait(() => received.length >= count, `${count} messages`)
      return received.slice(0, count)
    },
  }
}

/** The status and headers of a refused upgrade. */
export async function refusal (url: string, options: ClientOptions = {}): Promise<{ status: number, headers: IncomingHttpHeaders }> {
  try {
    const client = await connect(url, options)
    client.ws.terminate()
  } catch (err) {
    const { status, headers } = err as { status?: number, headers?: IncomingHttpHeaders }
    if (status !== undefined) return { status, headers: headers ?? {} }
    throw err
  }
  throw new Error(`the upgrade to ${url} was accepted`)
}
