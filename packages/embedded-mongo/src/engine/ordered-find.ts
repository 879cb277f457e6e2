import type { Document } from 'bson'
import type { Entry } from './entry.js'
import { checkMaxTime, MAX_TIME_EVERY } from './max-time.js'
import { compileFilter, type OperationOptions } from './mingo.js'
import { sortDocuments } from './operators.js'
import type { OrderPlan } from './order-plan.js'
import type { OrderedKey, OrderedKeys } from './ordered-keys.js'

/**
 * The documents matching `filter` found by walking `keys` as `plan` says, at most `limit`
 * (0: all). A sorted walk stops as soon as `limit` documents matched; ties (and an unsorted
 * walk's whole range) are put in natural order first, so the result is exactly what a scan
 * and a stable sort return.
 */
export function walkOrdered (keys: OrderedKeys, docs: Map<string, Entry>, plan: OrderPlan, filter: Document, limit: number, op?: OperationOptions): Entry[] {
  const query = Object.keys(filter).length > 0 ? compileFilter(filter, op) : null
  const seqAt = plan.index === undefined ? 1 : plan.index.fields.length
  const out: Entry[] = []
  let group: Array<[OrderedKey, string]> = []
  // Emits the current group of ties; true once the limit is reached.
  const rest = Object.keys(plan.rest).length > 0 ? plan.rest : undefined
  const flush = (): boolean => {
    if (group.length > 1) group.sort((a, b) => (a[0][seqAt] as number) - (b[0][seqAt] as number))
    let matched: Entry[] = []
    for (const [, id] of group) {
      const entry = docs.get(id)
      if (entry !== undefined && (query === null || query.test(entry.peek()))) matched.push(entry)
    }
    // The sort's fields past the index's order, within the run of ties (a stable sort).
    if (rest !== undefined && matched.length > 1) matched = sortDocuments(matched, rest, op?.collation?.compare, (e) => e.obj)
    for (const entry of matched) {
      out.push(entry)
      if (limit > 0 && out.length >= limit) return true
    }
    group = []
    return false
  }
  let seen = 0
  for (const pair of keys.walk(plan.lo, plan.hi, plan.forward)) {
    if ((++seen & MAX_TIME_EVERY) === 0) checkMaxTime()
    const first = group[0]
    if (plan.sorted && first !== undefined && !keys.sameValues(first[0], pair[0], plan.groupFrom, plan.groupTo) && flush()) return out
    group.push(pair)
  }
  flush()
  return out
}
