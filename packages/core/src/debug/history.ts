import type { RequestRecord } from './collector.js'

/** Requests the history keeps, as django-debug-toolbar's history panel. */
export const HISTORY_SIZE = 50

/**
 * The last {@link HISTORY_SIZE} requests of the process, for the toolbar's History panel and
 * its pages: a fixed-size ring in memory, the oldest dropped first.
 */
export class RequestHistory {
  readonly #ring: Array<RequestRecord | undefined> = new Array(HISTORY_SIZE)
  #next = 1

  /** The id of the next request. */
  nextId (): number {
    return this.#next++
  }

  /** Keeps `record`, in place of the one {@link HISTORY_SIZE} requests older. */
  add (record: RequestRecord): void {
    this.#ring[record.id % HISTORY_SIZE] = record
  }

  /** The record of request `id`, or undefined when it is not (or no longer) kept. */
  get (id: number): RequestRecord | undefined {
    const record = this.#ring[id % HISTORY_SIZE]
    return record?.id === id ? record : undefined
  }

  /** The kept records, newest first. */
  list (): RequestRecord[] {
    return this.#ring.filter((r): r is RequestRecord => r !== undefined).sort((a, b) => b.id - a.id)
  }
}
