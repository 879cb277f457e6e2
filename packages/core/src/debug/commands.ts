import { BSON, type Document } from 'mongodb'
import type { CommandListener } from '../db/index.js'
import { currentRecord, MAX_ENTRIES, since, type CommandEntry, type RequestRecord } from './collector.js'

/** Most characters of one command's text; the toolbar says when it was cut. */
export const MAX_COMMAND_TEXT = 8 * 1024

/** Commands MongoDB's `explain` accepts, run again only with verbosity queryPlanner (no writes). */
const EXPLAINABLE = new Set(['find', 'aggregate', 'count', 'distinct', 'update', 'delete', 'findAndModify'])

/**
 * Fields the driver adds to every command: noise in the panel, and not to be sent to explain.
 * `maxTimeMS` too: tao's database deadline sets it from the time left in the request, so two
 * identical queries would differ by it and the repeated-query warning would miss them.
 */
const DRIVER_FIELDS = new Set(['lsid', '$db', '$clusterTime', '$readPreference', 'txnNumber', 'autocommit', 'startTransaction', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'maxTimeMS'])

function withoutDriverFields (command: Document): Document {
  const out: Document = {}
  for (const [k, v] of Object.entries(command)) if (!DRIVER_FIELDS.has(k)) out[k] = v
  return out
}

/** The collection a command is about: the string value of its first key (find, insert …). */
function collectionOf (command: Document, name: string): string | null {
  const target = command[name]
  return typeof target === 'string' ? target : null
}

/** The command as the panel shows it, within the record's text budget. */
function commandText (record: RequestRecord, command: Document): string | null {
  if (record.textBudget <= 0) return null
  let text: string
  try {
    text = BSON.EJSON.stringify(command, undefined, 2, { relaxed: true })
  } catch {
    text = '(not serializable)'
  }
  if (text.length > MAX_COMMAND_TEXT) text = `${text.slice(0, MAX_COMMAND_TEXT)}\n… (cut at ${MAX_COMMAND_TEXT} characters)`
  record.textBudget -= text.length
  return text
}

/** How many documents a command's reply returned, when it says. */
function docsOf (reply: Document | undefined): number | null {
  if (reply === undefined || reply === null) return null
  const cursor = reply.cursor as { firstBatch?: unknown[], nextBatch?: unknown[] } | undefined
  const batch = cursor?.firstBatch ?? cursor?.nextBatch
  if (Array.isArray(batch)) return batch.length
  if (Array.isArray(reply.values)) return reply.values.length
  if ('value' in reply) return reply.value === null ? 0 : 1
  return typeof reply.n === 'number' ? reply.n : null
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
    const command = withoutDriverFields(event.command)
    const index = record.commands.length
    const entry: CommandEntry = {
      index,
      name: event.commandName,
      collection: collectionOf(command, event.commandName),
      database: event.databaseName,
      at: since(record),
      text: commandText(record, command),
      duration: null,
      failed: false,
      docs: null,
    }
    record.commands.push(entry)
    record.running.set(event.requestId, entry)
    if (EXPLAINABLE.has(entry.name) && entry.text !== null) record.explainable.set(index, command)
    return
  }
  const entry = record.running.get(event.requestId)
  if (entry === undefined) return
  record.running.delete(event.requestId)
  entry.duration = event.duration
  entry.failed = 'failure' in event
  if ('reply' in event) entry.docs = docsOf(event.reply as Document)
}

/** A query run more than once by one request, identically: the N+1 signal. */
export interface RepeatedQuery {
  name: string
  collection: string | null
  count: number
  /** The indexes of its runs in the request's command list. */
  indexes: number[]
}

/** The identical read queries of a request run more than once, most repeated first. */
export function repeatedQueries (commands: readonly CommandEntry[]): RepeatedQuery[] {
  const seen = new Map<string, RepeatedQuery>()
  for (const c of commands) {
    if (c.text === null || !EXPLAINABLE.has(c.name)) continue
    const key = `${c.database}\u0000${c.text}`
    const found = seen.get(key)
    if (found) {
      found.count++
      found.indexes.push(c.index)
    } else seen.set(key, { name: c.name, collection: c.collection, count: 1, indexes: [c.index] })
  }
  return [...seen.values()].filter((q) => q.count > 1).sort((a, b) => b.count - a.count)
}
