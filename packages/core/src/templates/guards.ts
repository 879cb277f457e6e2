import nunjucks from 'nunjucks'
import { taoError } from '../errors/index.js'

// Guards installed on Nunjucks's runtime, the module its compiled templates call for every
// variable, attribute and output: they run inside templates, so they cost one check per lookup
// or output and nothing per render (no context is copied or rebuilt).

/** The properties Object.prototype has when tao loads: anything added later is pollution. */
const BUILTIN = new Set<PropertyKey>(Reflect.ownKeys(Object.prototype))

/**
 * True when `obj[key]` would come from a property added to Object.prototype after start
 * (prototype pollution): templates then see undefined, so `{% if user.is_admin %}` cannot be
 * made true by a pollution bug elsewhere. Costs one `in` check on names that are not polluted.
 */
export function isPolluted (obj: unknown, key: unknown): boolean {
  if ((typeof key !== 'string' && typeof key !== 'symbol') || !(key in Object.prototype) || BUILTIN.has(key)) return false
  let o: unknown = Object(obj)
  while (o !== null && o !== Object.prototype) {
    if (Object.hasOwn(o as object, key)) return false
    o = Object.getPrototypeOf(o)
  }
  return o === Object.prototype
}

/**
 * The output budget of the render in progress, in characters (renders are synchronous: one
 * slot is enough). A render sets both and restores the previous values when it ends, so a
 * render inside a render keeps its caller's count.
 */
export const budget = { remaining: Infinity, limit: Infinity }

function tooLarge (): never {
  throw taoError('TAO_ERR_TEMPLATE_OUTPUT_TOO_LARGE', [budget.limit])
}

interface Runtime {
  memberLookup (obj: unknown, val: unknown): unknown
  contextOrFrameLookup (context: { ctx: Record<string, unknown>, env: { globals: Record<string, unknown> } }, frame: { lookup (name: string): unknown }, name: string): unknown
  suppressValue (val: unknown, autoescape: boolean): unknown
  inOperator (key: unknown, val: unknown): boolean
}

let installed = false

/** Installs the guards on Nunjucks's runtime, once per process. */
export function installGuards (): void {
  if (installed) return
  installed = true
  const runtime = nunjucks.runtime as unknown as Runtime
  const { memberLookup, suppressValue, inOperator } = runtime

  runtime.memberLookup = function guardedMemberLookup (obj, val) {
    if (obj === undefined || obj === null || isPolluted(obj, val)) return undefined
    return memberLookup(obj, val)
  }

  // Nunjucks's Context.lookup uses `name in ctx` on a plain-object copy of the context, which
  // sees Object.prototype. Own properties only here; tao's globals have no prototype.
  runtime.contextOrFrameLookup = function guardedLookup (context, frame, name) {
    const val = frame.lookup(name)
    if (val !== undefined) return val
    const ctx = context.ctx
    if (Object.hasOwn(ctx, name)) return ctx[name]
    return isPolluted(context.env.globals, name) ? undefined : context.env.globals[name]
  }

  runtime.inOperator = function guardedIn (key, val) {
    return inOperator(key, val) && !(typeof val === 'object' && isPolluted(val, key))
  }

  // Every `{{ value }}` goes through here: a value larger than what is left of the budget is
  // refused before it is escaped (the escaping of a huge value is what holds the event loop).
  runtime.suppressValue = function countedSuppressValue (val, autoescape) {
    if (typeof val === 'string' && val.length > budget.remaining) tooLarge()
    const out = suppressValue(val, autoescape)
    const n = typeof out === 'string' ? out.length : (out as { length?: unknown } | null)?.length
    if (typeof n === 'number' && (budget.remaining -= n) < 0) tooLarge()
    return out
  }
}
