import type { Document } from 'bson'
import { CommandError } from '../engine/command-error.js'
import { bsonTypeName } from '../engine/mingo.js'
import type { CommandHandler } from './context.js'
import { SERVER_VERSION } from './server-info.js'

// The server parameters the store has, as mongod names them.
function current (ctx: Parameters<CommandHandler>[1]): Document {
  return {
    featureCompatibilityVersion: { version: SERVER_VERSION.split('.').slice(0, 2).join('.') },
    ttlMonitorEnabled: ctx.ttl.enabled,
    ttlMonitorSleepSecs: ctx.ttl.sleepSecs,
  }
}

const getParameter: CommandHandler = (cmd, ctx) => {
  const all = current(ctx)
  if (cmd.getParameter === '*') return { ...all, ok: 1 }
  const out: Document = {}
  for (const name of Object.keys(cmd)) if (name in all) out[name] = all[name]
  return { ...out, ok: 1 }
}

function positiveInt (name: string, v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'object' && v !== null && 'toNumber' in v ? Number(v) : NaN
  if (!Number.isInteger(n)) throw new CommandError('BadValue', `Invalid value for parameter ${name}: expected a number, got ${bsonTypeName(v)}`)
  if (n < 1) throw new CommandError('BadValue', `Invalid value for parameter ${name}: ${n} is not greater than or equal to 1`)
  return n
}

// Command fields that are not parameters.
const GENERIC_FIELDS = new Set(['setParameter', '$db', 'lsid', '$clusterTime', '$readPreference', 'comment', 'apiVersion', 'apiStrict', 'apiDeprecationErrors'])

/** `setParameter`: the TTL monitor's knobs; replies with the previous value as `was`, as mongod does. */
const setParameter: CommandHandler = (cmd, ctx) => {
  if (ctx.db !== 'admin') throw new CommandError('Unauthorized', 'setParameter may only be run against the admin database.')
  const names = Object.keys(cmd).filter((k) => !GENERIC_FIELDS.has(k))
  if (names.length === 0) throw new CommandError('BadValue', 'no option found to set, use help:true to see options ')
  if (names.length > 1) throw new CommandError('BadValue', 'Only one parameter may be set at a time')
  const name = names[0] as string
  const value: unknown = cmd[name]
  const was = current(ctx)[name]
  switch (name) {
    case 'ttlMonitorSleepSecs': ctx.ttl.sleepSecs = positiveInt(name, value); break
    case 'ttlMonitorEnabled':
      if (typeof value !== 'boolean') throw new CommandError('BadValue', `Invalid value for parameter ${name}: expected a boolean, got ${bsonTypeName(value)}`)
      ctx.ttl.enabled = value
      break
    default: throw new CommandError('InvalidOptions', `attempted to set unrecognized parameter [${name}], use help:true to see options `)
  }
  return { was, ok: 1 }
}

/** getParameter and setParameter. */
export const parameterCommands: Record<string, CommandHandler> = { getParameter, setParameter }
