import nunjucks from 'nunjucks'
import { taoError } from '../errors/index.js'
import { escapeHtml } from './escape.js'

// Guards in tao's template runtime (runtime.ts), the object its compiled templates call for
// every variable, attribute and output: they run inside templates, so they cost one check per
// lookup or output and nothing per render. Nunjucks's own runtime module is left as it is.

/** The properties Object.prototype has when tao loads: anything added later is pollution. */
const BUILTIN = new Set<PropertyKey>(Reflect.ownKeys(Object.prototype))

/**
 * Whether Object.prototype may have gained properties since start. Outside a render it is
 * assumed (every lookup is checked); {@link checkPollution}, called as each render starts,
 * clears it while Object.prototype has exactly the keys it had at start, so the render's
 * lookups skip the check (most of a render's guard cost).
 */
export const pollution = { possible: true }

/** Sets {@link pollution} for the render starting now; returns the previous value, to restore. */
export function checkPollution (): boolean {
  const prev = pollution.possible
  // A polluting assignment adds a key; replacing a built-in one is not pollution (see isPolluted).
  pollution.possible = Reflect.ownKeys(Object.prototype).length !== BUILTIN.size
  return prev
}

/**
 * True when `obj[key]` would come from a property added to Object.prototype after start
 * (prototype pollution): templates then see undefined, so `{% if user.is_admin %}` cannot be
 * made true by a pollution bug elsewhere. Costs one `in` check on names that are not polluted,
 * and nothing in a render that started with Object.prototype as it was at start.
 */
export function isPolluted (obj: unknown, key: unknown): boolean {
  if (!pollution.possible) return false
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
  suppressValue (val: unknown, autoescape: boolean): unknown
  inOperator (key: unknown, val: unknown): boolean
}

/** The parts of a render context and frame a lookup reads (see render-context.ts). */
interface Lookup {
  context: { ctx: Record<string, unknown>, env: { globals: Record<string, unknown> } }
  frame: { lookup (name: string): unknown }
}

const nunjucksRuntime = nunjucks.runtime as unknown as Runtime
const { suppressValue: nunjucksSuppressValue, inOperator: nunjucksInOperator } = nunjucksRuntime

/** `obj.key` in a template (Nunjucks's memberLookup, with the pollution guard). */
export function memberLookup (obj: unknown, key: unknown): unknown {
  if (obj === undefined || obj === null || isPolluted(obj, key)) return undefined
  const o = obj as Record<PropertyKey, unknown>
  const val = o[key as PropertyKey]
  // Methods stay bound to their object, as Nunjucks does.
  if (typeof val === 'function') return (...args: unknown[]) => (o[key as PropertyKey] as (...a: unknown[]) => unknown).apply(o, args)
  return val
}

/**
 * A bare name in a template: the frames (loop and set variables), then the render's context,
 * then the globals. Nunjucks's Context.lookup uses `name in ctx` on a plain-object copy of the
 * context, which sees Object.prototype: own properties only here; tao's globals have no prototype.
 */
export function contextOrFrameLookup (context: Lookup['context'], frame: Lookup['frame'], name: string): unknown {
  const val = frame.lookup(name)
  if (val !== undefined) return val
  const ctx = context.ctx
  if (Object.hasOwn(ctx, name)) return ctx[name]
  return isPolluted(context.env.globals, name) ? undefined : context.env.globals[name]
}

/** `key in val` in a template, blind to polluted names. */
export function inOperator (key: unknown, val: unknown): boolean {
  return nunjucksInOperator(key, val) && !(typeof val === 'object' && isPolluted(val, key))
}

/**
 * Every `{{ value }}` goes through here: strings and numbers (nearly every output) take the
 * fast path, the rest (SafeString, null, objects) Nunjucks's own. A value larger than what is
 * left of the budget is refused before it is escaped (the escaping of a huge value is what
 * holds the event loop).
 */
export function suppressValue (val: unknown, autoescape: boolean): unknown {
  let out: unknown
  if (typeof val === 'string') {
    if (val.length > budget.remaining) tooLarge()
    out = autoescape ? escapeHtml(val) : val
  } else if (typeof val === 'number') {
    // A number's text has nothing to escape.
    out = autoescape ? String(val) : val
  } else {
    out = nunjucksSuppressValue(val, autoescape)
  }
  const n = typeof out === 'string' ? out.length : (out as { length?: unknown } | null)?.length
  if (typeof n === 'number' && (budget.remaining -= n) < 0) tooLarge()
  return out
}
