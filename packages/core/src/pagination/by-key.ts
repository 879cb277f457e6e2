import type { FastifyRequest } from 'fastify'
import { BSON, type Document, type Filter, type FindCursor } from 'mongodb'
import { taoError } from '../errors/index.js'
import { pageUrlOf } from './page-number.js'

/** What paginateByKey() reads: a model's collection or the driver's. */
export interface KeyPageable<T> {
  find: (filter: Filter<T>) => FindCursor<T>
}

/** Options of {@link paginateByKey}. */
export interface KeyPageOptions {
  /** The indexed field to page by (default '_id'); `_id` breaks ties, so it need not be unique. */
  key?: string
  /** 'desc' (default: newest first) or 'asc'. */
  order?: 'asc' | 'desc'
  perPage?: number
  /** Where the page starts, as the request gives it (`?after=`); default: read from `request`. */
  after?: unknown
  request?: FastifyRequest
  /** The query parameter of the position (default 'after'). */
  param?: string
}

/** A page of a range pagination: no count, no page numbers, a link to the next page. */
export interface KeyPage<T> {
  items: T[]
  perPage: number
  /** The opaque position of the next page, or null on the last one. */
  next: { after: string, url: string } | null
  /** True on the first page. */
  first: boolean
}

function encode (values: unknown[]): string {
  return Buffer.from(BSON.EJSON.stringify(values, { relaxed: false })).toString('base64url')
}

function decode (raw: string, param: string): [unknown, unknown] {
  try {
    const values = BSON.EJSON.parse(Buffer.from(raw, 'base64url').toString('utf8'), { relaxed: false }) as unknown
    if (Array.isArray(values) && values.length === 2) return [values[0], values[1]]
  } catch {}
  throw taoError('TAO_ERR_PAGINATION_INVALID', [param, raw.slice(0, 40)], { param })
}

const read = (doc: Document, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Document | undefined)?.[k], doc)

/**
 * Range ("keyset") pagination: each page starts after the last item of the one before,
 * found through the index of `key`, so page 10,000 costs what page 1 costs (no skip, no
 * count). Links go forward with an opaque `?after=` position; a position that is not one
 * answers 400.
 * @throws TAO_ERR_PAGINATION_INVALID (400)
 * @example const page = await paginateByKey(Event.of(req), {}, { key: 'at', request: req })
 */
export async function paginateByKey<T extends Document> (collection: KeyPageable<T>, filter: Filter<T> = {}, opts: KeyPageOptions = {}): Promise<KeyPage<T>> {
  const key = opts.key ?? '_id'
  const param = opts.param ?? 'after'
  const dir = opts.order === 'asc' ? 1 : -1
  const op = dir === 1 ? '$gt' : '$lt'
  const perPage = Math.min(Math.max(1, Math.floor(opts.perPage ?? 20)), 500)
  const raw = opts.after !== undefined ? opts.after : (opts.request?.query as Record<string, unknown> | undefined)?.[param]
  if (raw !== undefined && typeof raw !== 'string') throw taoError('TAO_ERR_PAGINATION_INVALID', [param, String(raw).slice(0, 40)], { param })
  let where: Document = filter
  if (raw) {
    const [value, id] = decode(raw, param)
    const range = key === '_id' ? { _id: { [op]: id } } : { $or: [{ [key]: { [op]: value } }, { [key]: value, _id: { [op]: id } }] }
    where = { $and: [filter, range] }
  }
  const sort: Record<string, 1 | -1> = key === '_id' ? { _id: dir } : { [key]: dir, _id: dir }
  // One more than a page tells whether a next page exists, without a count.
  const found = await collection.find(where as Filter<T>).sort(sort).limit(perPage + 1).toArray()
  const items = found.slice(0, perPage)
  const last = items[items.length - 1]
  const url = pageUrlOf(opts.request?.url ?? '/', param)
  let next: KeyPage<T>['next'] = null
  if (found.length > perPage && last) {
    const after = encode([read(last, key), last._id])
    next = { after, url: url(1).includes('?') ? `${url(1)}&${param}=${after}` : `${url(1)}?${param}=${after}` }
  }
  return { items, perPage, next, first: !raw }
}
