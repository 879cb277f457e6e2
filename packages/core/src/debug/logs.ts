import { format } from 'node:util'
import type { LoggerOptions } from 'pino'
import { currentRecord, keep, since } from './collector.js'

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }
/** Longest message kept per line. */
const MAX_MESSAGE = 2000

/** The message of a pino call: `(obj?, msg?, ...args)`, formatted as pino does. */
function messageOf (args: unknown[]): string {
  const [first, ...rest] = args
  let text: string
  if (typeof first === 'string') text = format(first, ...rest)
  else if (typeof rest[0] === 'string') text = format(...rest as [string, ...unknown[]])
  else if (first instanceof Error) text = first.message
  else {
    const err = (first as { err?: unknown } | null)?.err
    text = err instanceof Error ? err.message : ''
  }
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text
}

/**
 * pino's `logMethod` hook: each line written while a request's code runs is also kept in that
 * request's toolbar record. Given to buildLogger by createApp only when the toolbar runs
 * (debug): the logger of a production server has no hook.
 */
export function logCaptureHooks (): NonNullable<LoggerOptions['hooks']> {
  return {
    logMethod (this: unknown, args: unknown[], method: (...a: unknown[]) => void, level: number) {
      const record = currentRecord.getStore()
      if (record !== undefined) {
        // Log text shares the record's text budget with command text: the history stays small.
        const msg = record.textBudget > 0 ? messageOf(args) : '(text not kept: the request\'s budget for text was spent)'
        if (keep(record, record.logs, { level: LEVELS[level] ?? String(level), at: since(record), msg })) record.textBudget -= msg.length
      }
      method.apply(this, args)
    },
  }
}
