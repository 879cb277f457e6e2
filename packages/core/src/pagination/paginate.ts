import type { FastifyRequest } from 'fastify'
import type { Document, Filter, FindCursor, Sort } from 'mongodb'
import { taoError } from '../errors/index.js'
import { pageUrlOf, parsePageNumber } from './page-number.js'

/** What paginate() reads: a model's collection or the driver's. */
export interface Pageable<T> {
  find: (filter: Filter<T>) => FindCursor<T>
  countDocuments: (filter: Filter<T>) => Promise<number>
}

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /** The page asked for, as the request gives it (`req.query.page`); default: read from `request`. */
  page?: unknown
  /** Items per page (default 20, at most 500). */
  perPage?: number
  sort?: Sort
  projection?: Document
  /** The request: its path and query make the page links, its `?page=` the page. */
  request?: FastifyRequest
  /** The URL of page n, when the links are not the current request's. */
  url?: (page: number) => string
  /** The query parameter of the page number (default 'page'). */
  param?: string
}

/** One link of a page list; `gap` marks an ellipsis between distant numbers. */
export interface PageLink {
  number: number
  url: string
  current: boolean
  gap?: boolean
}

/** One page of results, with what a template needs to draw the page list. */
export interface Page<T> {
  items: T[]
  page: number
  perPage: number
  total: number
  pages: number
  /** 1-based positions of the first and last item shown (0 and 0 when empty). */
  start: number
  end: number
  previous: { number: number, url: string } | null
  next: { number: number, url: string } | null
  /** First, last, and the pages around the current one, with gaps. */
  links: PageLink[]
}

/** The page numbers worth a link: first, last, two either side of the current one. */
function linkNumbers (page: number, pages: number): number[] {
  const keep = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2])
  return [...keep].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b)
}

/**
 * A page of `collection.find(filter)`, counted, with links. Page numbers come from the
 * request (`?page=3`): a page that is not a number answers 400, a page past the last 404.
 * Costs a count plus a skip; for very deep pages use {@link paginateByKey}.
 * @throws TAO_ERR_PAGINATION_INVALID (400), TAO_ERR_PAGINATION_OUT_OF_RANGE (404)
 * @example
 *   const page = await paginate(Post.of(req), { published: true }, { request: req, sort: { at: -1 } })
 *   return reply.render('blog:index.html', { page })   // {% include 'tao:pagination.html' %}
 * @see docs/reference/models.md#pagination
 */
export async function paginate<T extends Document> (collection: Pageable<T>, filter: Filter<T> = {}, opts: PaginateOptions = {}): Promise<Page<T>> {
  const param = opts.param ?? 'page'
  const raw = opts.page !== undefined ? opts.page : (opts.request?.query as Record<string, unknown> | undefined)?.[param]
  const page = parsePageNumber(raw, param)
  const perPage = Math.min(Math.max(1, Math.floor(opts.perPage ?? 20)), 500)
  const url = opts.url ?? pageUrlOf(opts.request?.url ?? '/', param)
  const total = await collection.countDocuments(filter)
  const pages = Math.max(1, Math.ceil(total / perPage))
  if (page > pages) throw taoError('TAO_ERR_PAGINATION_OUT_OF_RANGE', [page, pages], { page, pages })
  let cursor = collection.find(filter)
  if (opts.sort) cursor = cursor.sort(opts.sort)
  if (opts.projection) cursor = cursor.project(opts.projection) as FindCursor<T>
  const items = await cursor.skip((page - 1) * perPage).limit(perPage).toArray()
  const numbers = linkNumbers(page, pages)
  const links = numbers.map((number, i) => ({
    number, url: url(number), current: number === page, ...(i > 0 && number - numbers[i - 1]! > 1 ? { gap: true } : {}),
  }))
  const start = total === 0 ? 0 : (page - 1) * perPage + 1
  return {
    items,
    page,
    perPage,
    total,
    pages,
    start,
    end: total === 0 ? 0 : start + items.length - 1,
    previous: page > 1 ? { number: page - 1, url: url(page - 1) } : null,
    next: page < pages ? { number: page + 1, url: url(page + 1) } : null,
    links,
  }
}
