import { AsyncLocalStorage } from 'node:async_hooks'
import type { CommandListener } from '../db/index.js'

/** Most templates or database commands one request records; the rest are only counted. */
export const MAX_ENTRIES = 500

/** A database command a request ran, as the toolbar shows it. */
export interface CommandEntry {
  readonly name: string
  readonly collection: string | null
  readonly database: string
  /** Milliseconds, once the command answered; null while it runs (or if it never did). */
  duration: number | null
  failed: boolean
}

/** What the toolbar gathers during one request. */
export interface RequestRecord {
  /** performance.now() at onRequest. */
  readonly start: number
  readonly templates: string[]
  readonly commands: CommandEntry[]
  /** Entries not kept because a list was full. */
  dropped: number
  /** Commands started and not yet answered, by the driver's request id. */
  readonly running: Map<number, CommandEntry>
}

/** The record of the request whose code is running (handlers, hooks, the driver's events). */
export const currentRecord = new AsyncLocalStorage<RequestRecord>()

/** A new, empty record starting now. */
export function newRecord (): RequestRecord {
  return { start: performance.now(), templates: [], commands: [], dropped: 0, running: new Map() }
}

/** Records template `name` for the current request, if there is one. */
export function recordTemplate (name: string): void {
  const record = currentRecord.getStore()
  if (record === undefined) return
  if (record.templates.length < MAX_ENTRIES) record.templates.push(name)
  else record.dropped++
}

/** The collection a command is about: the string value of its first key (find, insert …). */
function collectionOf (command: Record<string, unknown>, name: string): string | null {
  const target = command[name]
  return typeof target === 'string' ? target : null
}

/**
 * Attributes the driver's command events to the request that ran the command: the driver
 * emits them from the async context of the operation, which the request's context encloses.
 */
export const recordCommand: CommandListener = (event) => {
  const record = currentRecord.getStore()
  if (record === undefined) return
  if (!('duration' in event)) {
    if (record.commands.length >= MAX_ENTRIES) {
      record.dropped++
      return
    }
    const entry: CommandEntry = {
      name: event.commandName,
      collection: collectionOf(event.command as Record<string, unknown>, event.commandName),
      database: event.databaseName,
      duration: null,
      failed: false,
    }
    record.commands.push(entry)
    record.running.set(event.requestId, entry)
    return
  }
  const entry = record.running.get(event.requestId)
  if (entry === undefined) return
  record.running.delete(event.requestId)
  entry.duration = event.duration
  entry.failed = 'failure' in event
}
