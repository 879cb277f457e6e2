import { taoError } from '../../errors/index.js'
import { describeError } from '../../services/timing.js'
import type { ChannelData } from '../channels.js'
import type { QueueOverflow } from './options.js'

/** One message waiting to be written: its bytes or text, and the frame type. */
export interface Outgoing {
  data: string | Buffer
  binary: boolean
}

/**
 * Encodes what send() takes as channels.publish() does: text as a text frame, bytes as a
 * binary frame, any other value as its JSON text.
 * @throws TAO_ERR_WS_CLIENT_INVALID for data that cannot be sent.
 */
export function encode (data: ChannelData): Outgoing {
  if (typeof data === 'string') return { data, binary: false }
  if (data instanceof Uint8Array) return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), binary: true }
  if (data instanceof ArrayBuffer) return { data: Buffer.from(data), binary: true }
  let text: string | undefined
  try {
    text = JSON.stringify(data)
  } catch (err) {
    throw taoError('TAO_ERR_WS_CLIENT_INVALID', ['client.send()', `the data cannot be sent as JSON (${describeError(err)})`], {}, { cause: err })
  }
  if (text === undefined) throw taoError('TAO_ERR_WS_CLIENT_INVALID', ['client.send()', `the data is ${typeof data}; send a string, bytes or a JSON value`])
  return { data: text, binary: false }
}

/**
 * The bounded queue of a websocket client: messages wait here while the connection is down or
 * the socket's own buffer is past its limit. It never holds more than `max` messages; what a
 * full queue does is the overflow policy, and every message it drops is counted.
 */
export class SendQueue {
  readonly #max: number
  readonly #overflow: QueueOverflow
  readonly #url: string
  #items: Outgoing[] = []
  #head = 0
  dropped = 0

  constructor (max: number, overflow: QueueOverflow, url: string) {
    this.#max = max
    this.#overflow = overflow
    this.#url = url
  }

  get length (): number {
    return this.#items.length - this.#head
  }

  /**
   * Adds a message; false when the policy dropped this message itself ('drop-newest', or a
   * queue of size 0).
   * @throws TAO_ERR_WS_CLIENT_QUEUE_FULL with the 'error' policy.
   */
  push (item: Outgoing): boolean {
    if (this.length < this.#max) {
      this.#items.push(item)
      return true
    }
    if (this.#overflow === 'error') throw taoError('TAO_ERR_WS_CLIENT_QUEUE_FULL', [this.#url, this.#max])
    this.dropped++
    if (this.#overflow === 'drop-newest' || this.#max === 0) return false
    this.shift()
    this.#items.push(item)
    return true
  }

  /** The oldest message, removed; undefined when empty. */
  shift (): Outgoing | undefined {
    if (this.length === 0) return undefined
    const item = this.#items[this.#head]
    this.#items[this.#head++] = undefined as unknown as Outgoing
    // Compacts now and then instead of Array#shift on every message (O(n) each).
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
    return item
  }

  clear (): void {
    this.#items = []
    this.#head = 0
  }
}
