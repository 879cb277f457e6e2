import type { Db } from 'mongodb'
import { taoError } from '../errors/index.js'
import { LocalChannels, type Channels } from '../services/channels.js'
import { describeError, withTimeout } from '../services/timing.js'

/**
 * The database of an app, as the database concern provides it at boot: the `Db` handlers and
 * services use, how to check it (readiness) and how to close it (last step of shutdown).
 */
export interface DatabaseProvider {
  readonly db: Db
  /** Resolves when the database answers; rejects otherwise. */
  ping (): Promise<void>
  close (): Promise<void>
}

/** The boot-time slots other concerns fill on a TaoApp: the database and the channels. */
export class Providers {
  #database: DatabaseProvider | null = null
  #channels: Channels = new LocalChannels()

  get database (): DatabaseProvider | null {
    return this.#database
  }

  set database (provider: DatabaseProvider) {
    this.#database = provider
  }

  /**
   * The database, for `what` (e.g. "ctx.db of service 'clock:tick'").
   * @throws TAO_ERR_DB_NOT_CONFIGURED when no database is provided.
   */
  db (what: string): Db {
    if (!this.#database) throw taoError('TAO_ERR_DB_NOT_CONFIGURED', [what])
    return this.#database.db
  }

  get channels (): Channels {
    return this.#channels
  }

  set channels (channels: Channels) {
    this.#channels = channels
  }

  /** 'ok', 'none' (no database configured) or why it does not answer, within `timeout` ms. */
  async checkDatabase (timeout: number): Promise<string> {
    if (!this.#database) return 'none'
    try {
      await withTimeout(this.#database.ping(), timeout, `no answer within ${timeout} ms`)
      return 'ok'
    } catch (err) {
      return `unreachable: ${describeError(err)}`
    }
  }
}
