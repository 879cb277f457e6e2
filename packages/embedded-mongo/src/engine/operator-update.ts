import type { Document } from 'bson'
import * as updateOperators from 'mingo/operators/update'
import type { AnyObject } from 'mingo/types'
import { updateOptions } from './mingo.js'

type UpdateOperator = (expr: AnyObject, arrayFilters: AnyObject[], options: unknown) => (obj: AnyObject) => string[]

const OPERATORS = updateOperators as unknown as Record<string, UpdateOperator | undefined>

/**
 * Applies an update's operators to `docs` in place, as mingo's `updateMany` with an empty
 * condition does, for the common updates: plain field paths (no positional `$`, `$[]` or
 * `$[id]`, no `_id`, no `$`-prefixed names) and no array filters. mingo's `updateMany` copies
 * its whole operator context (hundreds of operators) on every call: some 50 KiB of garbage and
 * a tenth of the store's CPU per updateOne, which under steady updates promoted enough into
 * V8's old space to double the store's RSS. Returns false, having done nothing, for any other
 * update: the caller then runs mingo's `updateMany`, which checks and applies those.
 */
export function applyPlainOperators (docs: Document[], modifier: Document, arrayFilters: Document[] | undefined): boolean {
  if (arrayFilters !== undefined && arrayFilters.length > 0) return false
  const options = updateOptions()
  if (options === undefined) return false
  const paths = new PathSet()
  for (const [op, fields] of Object.entries(modifier) as Array<[string, Document]>) {
    if (OPERATORS[op] === undefined) return false
    for (const path of Object.keys(fields)) if (!plainPath(path)) return false
  }
  // What mingo's updateMany checks across the whole update: no path is another's prefix or
  // repeated, `$rename` targets included (its message; asCommandError gives MongoDB's code).
  const targets = Object.values((modifier.$rename ?? {}) as Document).filter((t): t is string => typeof t === 'string')
  for (const path of [...Object.values(modifier).flatMap((fields) => Object.keys(fields as Document)), ...targets]) {
    if (!plainPath(path)) return false
    if (!paths.add(path)) throw new Error(`updating the path '${path}' would create a conflict at '${path}'`)
  }
  const fns = Object.entries(modifier).map(([op, fields]) => (OPERATORS[op] as UpdateOperator)(fields as AnyObject, [], options))
  for (const doc of docs) for (const fn of fns) fn(doc)
  return true
}

function plainPath (path: string): boolean {
  return !path.includes('$') && path !== '_id' && !path.startsWith('_id.')
}

// mingo's PathValidator: a path may not equal, extend or prefix one added before.
class PathSet {
  readonly #root = new Map<string, PathNode>()

  add (path: string): boolean {
    let children = this.#root
    let node: PathNode | undefined
    for (const part of path.split('.')) {
      if (node?.terminal === true) return false
      node = children.get(part)
      if (node === undefined) {
        node = { children: new Map(), terminal: false }
        children.set(part, node)
      }
      children = node.children
    }
    if (node === undefined || node.terminal || node.children.size > 0) return false
    node.terminal = true
    return true
  }
}

interface PathNode {
  readonly children: Map<string, PathNode>
  terminal: boolean
}
