// The list page's query: search, filters, ordering and range (keyset) pagination, read from
// the URL's query string. Every parameter is checked against what the registration offers;
// anything else is a 400, never a query the page did not mean to run.
import { BSON, ObjectId } from 'mongodb'
import { taoError } from '../errors/index.js'
import type { ResolvedAdmin } from './model-admin.js'

const { EJSON } = BSON
const DAY = /^\d{4}-\d{2}-\d{2}$/
const HEX24 = /^[0-9a-fA-F]{24}$/

/** The list page's state, as read from its URL. */
export interface ListState {
  q: string
  /** The sort: field and direction; the second key is always _id, in the same direction. */
  sort: readonly [string, 1 | -1]
  /** Active filters by parameter name ('published', 'at__gte'), as strings for the links. */
  params: Record<string, string>
  /** A page cursor: the sort value and _id of the row before (after) or after (before) the page. */
  cursor: { dir: 'after' | 'before', value: unknown, id: unknown } | null
}

const bad = (param: string, reason: string) => taoError('TAO_ERR_ADMIN_QUERY_INVALID', [param, reason])

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function one (query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name]
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw bad(name, 'it is given more than once')
  return v
}

function readCursor (text: string, param: 'after' | 'before'): ListState['cursor'] {
  try {
    const parsed = EJSON.parse(Buffer.from(text, 'base64url').toString('utf8'), { relaxed: false }) as { v?: unknown, i?: unknown }
    if (typeof parsed === 'object' && parsed !== null && 'i' in parsed) return { dir: param, value: parsed.v ?? null, id: parsed.i }
  } catch {}
  throw bad(param, 'it is not a page cursor')
}

/** The cursor of a row for the given sort field. */
export function cursorOf (doc: Record<string, unknown>, field: string): string {
  return Buffer.from(EJSON.stringify({ v: field === '_id' ? null : doc[field] ?? null, i: doc._id }, { relaxed: false })).toString('base64url')
}

/**
 * Reads the list state from the query string.
 * @throws TAO_ERR_ADMIN_QUERY_INVALID (400) for an unknown ordering, filter value or cursor.
 */
export function readListState (admin: ResolvedAdmin, query: Record<string, unknown>): ListState {
  const q = (one(query, 'q') ?? '').slice(0, 200)
  let sort: readonly [string, 1 | -1] = admin.ordering[0] ?? ['_id', -1]
  const o = one(query, 'o')
  if (o !== undefined && o !== '') {
    const field = o.replace(/^-/, '')
    if (!admin.sortable.has(field)) throw bad('o', `the list cannot be sorted by '${field}' (sortable: ${[...admin.sortable].join(', ')})`)
    sort = [field, o.startsWith('-') ? -1 : 1]
  }
  const params: Record<string, string> = {}
  for (const f of admin.filters) {
    const names = f.kind === 'date' ? [`${f.field.path}__gte`, `${f.field.path}__lt`] : [f.field.path]
    for (const name of names) {
      const v = one(query, name)
      if (v === undefined || v === '') continue
      if (f.kind === 'boolean' && v !== '1' && v !== '0') throw bad(name, "use '1' or '0'")
      if (f.kind === 'enum' && f.field.choices?.includes(v) !== true) throw bad(name, `choose one of ${f.field.choices?.join(', ')}`)
      if (f.kind === 'date' && (!DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))) throw bad(name, 'use a date such as 2026-01-31')
      if (f.kind === 'reference' && !HEX24.test(v)) throw bad(name, 'use a document id (24 hexadecimal digits)')
      params[name] = v
    }
  }
  const after = one(query, 'after')
  const before = one(query, 'before')
  const cursor = after !== undefined ? readCursor(after, 'after') : before !== undefined ? readCursor(before, 'before') : null
  return { q, sort, params, cursor }
}

/** The MongoDB filter of a list state (search and filters; the cursor is added by {@link pageQuery}). */
export function listFilter (admin: ResolvedAdmin, state: ListState): Record<string, unknown> {
  const and: Record<string, unknown>[] = []
  if (state.q !== '' && admin.search.length > 0) {
    const rx = { $regex: escapeRegex(state.q), $options: 'i' }
    and.push({ $or: admin.search.map((f) => ({ [f]: rx })) })
  }
  for (const f of admin.filters) {
    const path = f.field.path
    if (f.kind === 'boolean' && state.params[path] !== undefined) and.push({ [path]: state.params[path] === '1' })
    if (f.kind === 'enum' && state.params[path] !== undefined) and.push({ [path]: state.params[path] })
    if (f.kind === 'reference' && state.params[path] !== undefined) and.push({ [path]: new ObjectId(state.params[path]) })
    if (f.kind === 'date') {
      const range: Record<string, Date> = {}
      const gte = state.params[`${path}__gte`]
      const lt = state.params[`${path}__lt`]
      if (gte !== undefined) range.$gte = new Date(`${gte}T00:00:00Z`)
      // The end day is included: before the start of the next day.
      if (lt !== undefined) range.$lt = new Date(Date.parse(`${lt}T00:00:00Z`) + 86_400_000)
      if (Object.keys(range).length > 0) and.push({ [path]: range })
    }
  }
  return and.length === 0 ? {} : and.length === 1 ? and[0]! : { $and: and }
}

/**
 * The filter and sort of one page: range pagination on (sort field, _id), so a page deep in a
 * big collection costs what the first one does (no skip). 'before' pages run in reverse and
 * are flipped back by the caller.
 */
export function pageQuery (filter: Record<string, unknown>, state: ListState): { filter: Record<string, unknown>, sort: Record<string, 1 | -1>, reversed: boolean } {
  const [field, dir] = state.sort
  const reversed = state.cursor?.dir === 'before'
  const d = (reversed ? -dir : dir) as 1 | -1
  const sort: Record<string, 1 | -1> = field === '_id' ? { _id: d } : { [field]: d, _id: d }
  if (state.cursor === null) return { filter, sort, reversed }
  const op = d === 1 ? '$gt' : '$lt'
  const { value, id } = state.cursor
  const range = field === '_id'
    ? { _id: { [op]: id } }
    : { $or: [{ [field]: { [op]: value } }, { [field]: value, _id: { [op]: id } }] }
  return { filter: Object.keys(filter).length === 0 ? range : { $and: [filter, range] }, sort, reversed }
}
