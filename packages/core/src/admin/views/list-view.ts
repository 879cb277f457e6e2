import type { FastifyReply, FastifyRequest } from 'fastify'
import { encodeDocId } from '../doc-id.js'
import { cursorOf, listFilter, pageQuery, readListState, type ListState } from '../list-query.js'
import type { ResolvedAdmin } from '../model-admin.js'
import { assertCan, can, permsFor } from '../permissions.js'
import { adminOf, displayValue, renderAdmin, siteOf } from './common.js'

/** Counting every match of a filter stops here: past it the page says "10000+". */
const COUNT_LIMIT = 10_000

function queryString (state: ListState, extra: Record<string, string | undefined>): string {
  const [field, dir] = state.sort
  const params: Record<string, string | undefined> = { q: state.q || undefined, o: `${dir === -1 ? '-' : ''}${field}`, ...state.params, ...extra }
  const search = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, v)
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}

function filterBlocks (admin: ResolvedAdmin, state: ListState): unknown[] {
  return admin.filters.map((f) => {
    const path = f.field.path
    const link = (value: string | undefined) => queryString(state, { [path]: value, after: undefined, before: undefined })
    if (f.kind === 'date') {
      return { kind: 'date', label: f.field.label, path, gte: state.params[`${path}__gte`] ?? '', lt: state.params[`${path}__lt`] ?? '' }
    }
    const choices = f.kind === 'boolean' ? [['1', 'Yes'], ['0', 'No']] : f.kind === 'enum' ? (f.field.choices ?? []).map((c) => [c, c]) : []
    return {
      kind: f.kind,
      label: f.field.label,
      path,
      value: state.params[path] ?? '',
      options: [
        { label: 'All', query: link(undefined), active: state.params[path] === undefined },
        ...choices.map(([value, label]) => ({ label, query: link(value), active: state.params[path] === value })),
      ],
    }
  })
}

/** The hidden inputs that keep the list's state in the search and filter forms. */
function keptParams (state: ListState, drop: readonly string[]): { name: string, value: string }[] {
  const [field, dir] = state.sort
  const all: Record<string, string> = { o: `${dir === -1 ? '-' : ''}${field}`, q: state.q, ...state.params }
  return Object.entries(all).filter(([k, v]) => v !== '' && !drop.includes(k)).map(([name, value]) => ({ name, value }))
}

/**
 * The list page of a model: one page of rows in range pagination, search, filters, sortable
 * columns (indexed fields only) and the bulk actions the user may run.
 */
export async function listView (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const admin = adminOf(req)
  assertCan(req, admin, 'view')
  const state = readListState(admin, req.query as Record<string, unknown>)
  const perPage = admin.options.perPage ?? siteOf(req).options.perPage
  const filter = listFilter(admin, state)
  const page = pageQuery(filter, state)
  const coll = req.db.collection(admin.model.collectionName)
  const [found, count] = await Promise.all([
    coll.find(page.filter).sort(page.sort).limit(perPage + 1).toArray(),
    Object.keys(filter).length === 0 ? coll.estimatedDocumentCount() : coll.countDocuments(filter, { limit: COUNT_LIMIT }),
  ])
  // One row more than the page tells whether there is a next (or, going back, a previous) page.
  const more = found.length > perPage
  const docs = found.slice(0, perPage) as Record<string, unknown>[]
  if (page.reversed) docs.reverse()
  const [field] = state.sort
  const first = docs[0]
  const last = docs.at(-1)
  const hasNext = page.reversed ? state.cursor !== null : more
  const hasPrev = page.reversed ? more : state.cursor !== null
  const columns = admin.columns.map((c) => {
    const sorted = state.sort[0] === c.path ? (state.sort[1] === 1 ? 'ascending' : 'descending') : null
    return {
      label: c.label,
      sortable: admin.sortable.has(c.path),
      sorted,
      query: queryString(state, { o: sorted === 'ascending' ? `-${c.path}` : c.path, after: undefined, before: undefined }),
    }
  })
  const actions = [
    ...(can(req, admin, 'delete') ? [{ name: 'delete_selected', label: `Delete selected ${admin.labelPlural.toLowerCase()}` }] : []),
    ...[...admin.actions.values()].filter((a) => a.scope !== 'row' && can(req, admin, a.permission ?? 'change')).map((a) => ({ name: a.name, label: a.label })),
  ]
  return renderAdmin(req, reply, 'list', {
    title: admin.labelPlural,
    admin: { app: admin.app, key: admin.key, label: admin.label, labelPlural: admin.labelPlural },
    perms: permsFor(req, admin),
    columns,
    rows: docs.map((d) => ({ id: encodeDocId(d._id), label: admin.display(d), cells: admin.columns.map((c) => displayValue(c, d[c.path])) })),
    count: `${count >= COUNT_LIMIT ? `${COUNT_LIMIT}+` : String(count)} ${count === 1 ? admin.label.toLowerCase() : admin.labelPlural.toLowerCase()}`,
    q: state.q,
    searchable: admin.search.length > 0,
    searchKept: keptParams(state, ['q']),
    filters: filterBlocks(admin, state),
    filterKept: (path: string) => keptParams(state, [`${path}__gte`, `${path}__lt`]),
    actions,
    next: hasNext && last !== undefined ? queryString(state, { after: cursorOf(last, field) }) : null,
    prev: hasPrev && first !== undefined ? queryString(state, { before: cursorOf(first, field) }) : null,
    firstPage: state.cursor !== null ? queryString(state, {}) : null,
  })
}
