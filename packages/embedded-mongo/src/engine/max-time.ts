import { CommandError } from './command-error.js'

// The deadline of the command running now. Commands run synchronously, one at a time, so one
// module-level value is enough: set by runWithMaxTime, read by the loops that may run long.
let deadline = Infinity

/** How many documents a loop handles between two looks at the clock (a power of two, minus one). */
export const MAX_TIME_EVERY = 1023

/**
 * Runs `run` (one command) under its `maxTimeMS`: loops calling {@link checkMaxTime} stop it
 * with MongoDB's MaxTimeMSExpired (code 50) once that long has passed; a `readOnly` command
 * that ran past it fails too. 0 or absent: no limit.
 * @throws CommandError BadValue when maxTimeMS is not a non-negative integer, as MongoDB does.
 */
export function runWithMaxTime<T> (maxTimeMS: unknown, run: () => T, readOnly = false): T {
  if (maxTimeMS === undefined || maxTimeMS === null) return run()
  const ms = Number(maxTimeMS)
  if (!Number.isInteger(ms) || ms < 0 || ms > 2_147_483_647) {
    throw new CommandError('BadValue', `${String(maxTimeMS)} value for maxTimeMS is out of range [0, 2147483647]`)
  }
  if (ms === 0) return run()
  deadline = Date.now() + ms
  try {
    const result = run()
    // Work the loops do not see (inside a pipeline's stages) still counts: a read that ran past
    // its limit fails as on MongoDB, whose checks are finer-grained. A write that finished
    // reports its success.
    if (readOnly) checkMaxTime()
    return result
  } finally {
    deadline = Infinity
  }
}

/**
 * Throws MaxTimeMSExpired when the running command passed its maxTimeMS. Cheap when there is
 * none; loops call it every {@link MAX_TIME_EVERY} + 1 documents.
 */
export function checkMaxTime (): void {
  if (deadline !== Infinity && Date.now() > deadline) throw new CommandError('MaxTimeMSExpired', 'operation exceeded time limit')
}
