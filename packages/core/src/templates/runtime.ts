import nunjucks from 'nunjucks'
import { contextOrFrameLookup, inOperator, memberLookup, suppressValue } from './guards.js'

/** A Nunjucks Frame, as far as setLoop writes it. */
interface Frame {
  variables: Record<string, unknown>
}

/**
 * The `loop` variable of one iteration of a for loop. Nunjucks sets its seven fields through
 * seven `frame.set("loop.index", …)` calls, each splitting its name on dots (the largest cost
 * of a loop); the compile post-pass (compile.ts) calls this instead. Same object, same fields,
 * same order.
 */
export function setLoop (frame: Frame, i: number, len: number): void {
  const vars = frame.variables
  let loop = vars.loop as Record<string, unknown> | undefined
  if (!loop) loop = vars.loop = {}
  // Nunjucks's sloppy-mode writes to a non-object `loop` (a variable so named) do nothing.
  if (typeof loop !== 'object' && typeof loop !== 'function') return
  loop.index = i + 1
  loop.index0 = i
  loop.revindex = len - i
  loop.revindex0 = len - i - 1
  loop.first = i === 0
  loop.last = i === len - 1
  loop.length = len
}

/**
 * The runtime tao's compiled templates run with (the `runtime` argument of every compiled
 * function): Nunjucks's runtime with tao's guarded lookups, the counted and faster output, and
 * setLoop. A copy, so Nunjucks used elsewhere in the process is not changed.
 */
export const taoRuntime: Readonly<Record<string, unknown>> = Object.freeze({
  ...(nunjucks.runtime as unknown as Record<string, unknown>),
  memberLookup,
  contextOrFrameLookup,
  inOperator,
  suppressValue,
  setLoop,
})
