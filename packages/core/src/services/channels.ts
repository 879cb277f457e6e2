import { EventEmitter } from 'node:events'

/**
 * Publishing to channel groups (websocket fan-out). The websocket concern provides the real
 * implementation at boot; until it does, {@link LocalChannels} delivers within this process.
 */
export interface Channels {
  /** Sends `data` to every member of `group`. */
  publish (group: string, data: unknown): void
}

/** In-process channels: `publish` reaches this process's `subscribe` listeners only. */
export class LocalChannels implements Channels {
  readonly #emitter = new EventEmitter().setMaxListeners(0)

  publish (group: string, data: unknown): void {
    this.#emitter.emit(group, data)
  }

  /** Calls `listener` with each message published to `group`; returns the unsubscribe function. */
  subscribe (group: string, listener: (data: unknown) => void): () => void {
    this.#emitter.on(group, listener)
    return () => { this.#emitter.off(group, listener) }
  }
}
