import { AsyncLocalStorage } from 'node:async_hooks'
import type { Document } from 'mongodb'

/** Most templates, renders, database commands or log lines one request records; the rest are only counted. */
export const MAX_ENTRIES = 500

/** A database command a request ran, as the toolbar shows it. */
export interface CommandEntry {
  /** Its place in the request's list (what the explain URL names). */
  readonly index: number
  readonly name: string
  readonly collection: string | null
  readonly database: string
  /** Milliseconds from the start of the request. */
  readonly at: number
  /** The command as Extended JSON (session fields left out), cut at a bound; null past the request's text budget. */
  readonly text: string | null
  /** Milliseconds, once the command answered; null while it runs (or if it never did). */
  duration: number | null
  failed: boolean
  /** Documents the command returned (a cursor's batch, `n` of a write); null when it does not say. */
  docs: number | null
}

/** One reply.render / app.render, with the context keys it received. */
export interface RenderEntry {
  readonly name: string
  readonly keys: readonly string[]
  readonly at: number
  duration: number | null
  /** Templates it loaded: itself, then what it extends, includes or imports. */
  readonly loaded: string[]
  failed: boolean
}

/** A log line written while the request's code ran. */
export interface LogEntry {
  readonly level: string
  readonly at: number
  readonly msg: string
}

/** What the toolbar gathers during one request. */
export interface RequestRecord {
  /** Its number in the process's history (what the toolbar's URLs name). */
  readonly id: number
  /** performance.now() at onRequest. */
  readonly start: number
  /** Wall-clock time at onRequest (for the history list). */
  readonly startedAt: Date
  readonly templates: string[]
  readonly renders: RenderEntry[]
  readonly commands: CommandEntry[]
  readonly logs: LogEntry[]
  /** Entries not kept because a list was full. */
  dropped: number
  /** Characters of command and log text still allowed (bounds the memory a record holds). */
  textBudget: number
  /** Commands started and not yet answered, by the driver's request id. */
  readonly running: Map<number, CommandEntry>
  /** The commands `explain` may run again, by index (find, aggregate, count, distinct, update, delete …). */
  readonly explainable: Map<number, Document>
  /** Milliseconds from the start: the handler began, the handler ended, the response was ready. */
  handlerStart: number | null
  handlerEnd: number | null
  sent: number | null
  /** Filled when the response is ready (onSend): what the panels show besides the lists. */
  summary: RequestSummary | null
}

/** The request and response as the Request and Headers panels show them (secrets masked). */
export interface RequestSummary {
  method: string
  url: string
  status: number
  route: string | null
  app: string | null
  /** fetch, XMLHttpRequest, htmx: no toolbar was put in the answer. */
  kind: 'page' | 'fetch' | 'other'
  location: string | null
  contentType: string | null
  requestHeaders: Record<string, string | string[] | undefined>
  responseHeaders: Record<string, string | string[] | undefined>
  sessionKeys: string[] | null
}

/** The record of the request whose code is running (handlers, hooks, the driver's events). */
export const currentRecord = new AsyncLocalStorage<RequestRecord>()

/** Characters of command and log text one request may keep: 50 records of history stay within a few MB. */
export const TEXT_BUDGET = 64 * 1024

/** A new, empty record starting now. */
export function newRecord (id: number): RequestRecord {
  return {
    id,
    start: performance.now(),
    startedAt: new Date(),
    templates: [],
    renders: [],
    commands: [],
    logs: [],
    dropped: 0,
    textBudget: TEXT_BUDGET,
    running: new Map(),
    explainable: new Map(),
    handlerStart: null,
    handlerEnd: null,
    sent: null,
    summary: null,
  }
}

/** Milliseconds since the start of `record`. */
export function since (record: RequestRecord): number {
  return performance.now() - record.start
}

/** Appends `entry` to `list` unless it is full (then only counts it); false when dropped. */
export function keep<T> (record: RequestRecord, list: T[], entry: T): boolean {
  if (list.length < MAX_ENTRIES) {
    list.push(entry)
    return true
  }
  record.dropped++
  return false
}

/** Records template `name` for the current request (and the render that loaded it), if there is one. */
export function recordTemplate (name: string): void {
  const record = currentRecord.getStore()
  if (record === undefined) return
  keep(record, record.templates, name)
  const render = record.renders.at(-1)
  if (render !== undefined && render.duration === null && render.loaded.length < MAX_ENTRIES) render.loaded.push(name)
}

type Render = (name: string, context?: object, ...rest: never[]) => string

/**
 * Wraps `engine.render` so each render of a request is timed and recorded with the keys of
 * its context. Installed on the engine instance by the toolbar only (debug): the template
 * layer itself has no hook and no cost for it.
 */
export function watchRenders (engine: { render: Render }): void {
  const render = engine.render.bind(engine) as Render
  engine.render = function timedRender (name, context, ...rest) {
    const record = currentRecord.getStore()
    if (record === undefined) return render(name, context, ...rest)
    const entry: RenderEntry = { name, keys: Object.keys(context ?? {}), at: since(record), duration: null, loaded: [], failed: false }
    keep(record, record.renders, entry)
    try {
      return render(name, context, ...rest)
    } catch (err) {
      entry.failed = true
      throw err
    } finally {
      entry.duration = since(record) - entry.at
    }
  }
}
