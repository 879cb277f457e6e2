// The raw collection browser, for superusers: any collection of the database, a filter typed
// as Extended JSON (parsed as data, never evaluated), documents shown and edited as Extended
// JSON with their BSON types kept.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { BSON } from 'mongodb'
import { isTaoError, taoError } from '../../errors/index.js'
import { actor, changedFields, recordActions } from '../audit.js'
import { decodeDocId, encodeDocId } from '../doc-id.js'
import { ejsonText, parseEditedJson, parseFilter, toEditableJson } from '../ejson.js'
import { assertSuperuser } from '../permissions.js'
import { renderAdmin, siteOf } from './common.js'

const { EJSON } = BSON
const NAME = /^(?!system\.)[A-Za-z0-9_][A-Za-z0-9_.-]{0,119}$/
const PREVIEW = 160

/** The collection named by the URL, checked to exist. @throws TAO_ERR_ADMIN_NOT_FOUND (404) */
async function collectionOf (req: FastifyRequest): Promise<string> {
  const name = (req.params as { collection: string }).collection
  if (!NAME.test(name)) throw taoError('TAO_ERR_ADMIN_NOT_FOUND', ['collection', name.slice(0, 80)])
  const found = await req.db.listCollections({ name }, { nameOnly: true }).toArray()
  if (found.length === 0) throw taoError('TAO_ERR_ADMIN_NOT_FOUND', ['collection', name])
  return name
}

/** Every collection of the database, with its estimated size. */
export async function rawCollectionsView (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  assertSuperuser(req)
  const names = (await req.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => NAME.test(n)).sort()
  const counts = await Promise.all(names.map((n) => req.db.collection(n).estimatedDocumentCount()))
  return renderAdmin(req, reply, 'raw/collections', { title: 'Collections', collections: names.map((name, i) => ({ name, count: counts[i] })) })
}

function cursorParam (req: FastifyRequest, name: 'after' | 'before'): unknown {
  const v = (req.query as Record<string, unknown>)[name]
  if (v === undefined || v === '') return undefined
  if (typeof v !== 'string') throw taoError('TAO_ERR_ADMIN_QUERY_INVALID', [name, 'it is given more than once'])
  return decodeDocId(v, 'page cursor')
}

/** One page of a collection in _id order, filtered by an Extended JSON query. */
export async function rawListView (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  assertSuperuser(req)
  const name = await collectionOf(req)
  const query = req.query as Record<string, unknown>
  const text = typeof query.filter === 'string' ? query.filter : ''
  const filter = parseFilter(text)
  const after = cursorParam(req, 'after')
  const before = cursorParam(req, 'before')
  const perPage = siteOf(req).options.perPage
  const range: Record<string, unknown> | null = after !== undefined ? { _id: { $gt: after } } : before !== undefined ? { _id: { $lt: before } } : null
  const full: Record<string, unknown> = range === null ? filter : Object.keys(filter).length === 0 ? range : { $and: [filter, range] }
  let docs: Record<string, unknown>[]
  try {
    docs = await req.db.collection(name).find(full).sort({ _id: before !== undefined ? -1 : 1 }).limit(perPage + 1).toArray()
  } catch (err) {
    // The server refused the query (a bad $regex, a wrong operand): the filter's fault, a 400.
    if ((err as { name?: string }).name === 'MongoServerError') throw taoError('TAO_ERR_ADMIN_FILTER_INVALID', [(err as Error).message])
    throw err
  }
  const more = docs.length > perPage
  docs = docs.slice(0, perPage)
  if (before !== undefined) docs.reverse()
  const link = (extra: Record<string, string>) => `?${new URLSearchParams({ ...(text === '' ? {} : { filter: text }), ...extra }).toString()}`
  const hasNext = before !== undefined || more
  const hasPrev = before !== undefined ? more : after !== undefined
  return renderAdmin(req, reply, 'raw/list', {
    title: name,
    collection: name,
    filter: text,
    docs: docs.map((d) => {
      const preview = ejsonText(Object.fromEntries(Object.entries(d).filter(([k]) => k !== '_id')))
      return { id: encodeDocId(d._id), idText: ejsonText(d._id), preview: preview.length > PREVIEW ? `${preview.slice(0, PREVIEW - 1)}…` : preview }
    }),
    next: hasNext && docs.length > 0 ? link({ after: encodeDocId(docs.at(-1)!._id) }) : null,
    prev: hasPrev && docs.length > 0 ? link({ before: encodeDocId(docs[0]!._id) }) : null,
  })
}

/**
 * GET: one document as Extended JSON in an editor. POST: the edited text replaces it (types
 * kept: ObjectId, Date, Decimal128, Int32, Long, Double); changing `_id` is refused.
 */
export async function rawDocumentView (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  assertSuperuser(req)
  const name = await collectionOf(req)
  const segment = (req.params as { id: string }).id
  const id = decodeDocId(segment, 'document')
  const coll = req.db.collection(name)
  // promoteValues off: Int32, Double and Long stay distinct, so an unchanged field stays unchanged.
  const stored = await coll.findOne({ _id: id as never }, { promoteValues: false }) as Record<string, unknown> | null
  if (stored === null) throw taoError('TAO_ERR_ADMIN_NOT_FOUND', ['document', segment])
  const context = { title: `${name} · ${ejsonText(id)}`, collection: name, id: segment, idText: ejsonText(id) }
  if (req.method === 'GET') return renderAdmin(req, reply, 'raw/document', { ...context, text: toEditableJson(stored), error: null })
  const text = String((req.body as Record<string, unknown> | undefined)?.document ?? '')
  let edited: Record<string, unknown>
  try {
    edited = parseEditedJson(text)
    if (!('_id' in edited)) edited = { _id: stored._id, ...edited }
    if (EJSON.stringify(edited._id, { relaxed: false }) !== EJSON.stringify(stored._id, { relaxed: false })) {
      throw taoError('TAO_ERR_ADMIN_DOCUMENT_INVALID', ['its _id was changed; a document keeps its _id (copy it into a new document instead)'])
    }
  } catch (err) {
    if (!isTaoError(err)) throw err
    return renderAdmin(req, reply, 'raw/document', { ...context, text, error: err.message })
  }
  try {
    await coll.replaceOne({ _id: stored._id as never }, edited)
  } catch (err) {
    // The driver or the server refused the document (an operator key, a size limit): a 400.
    if (!/^Mongo/.test((err as Error).name ?? '')) throw err
    return renderAdmin(req, reply, 'raw/document', { ...context, text, error: `The database refused the document: ${(err as Error).message}` })
  }
  await recordActions(req.db, [{ user: actor(req), action: 'change', model: `raw:${name}`, docId: encodeDocId(id), label: ejsonText(id), fields: changedFields(stored, edited) }])
  req.flash('success', 'The document was saved.')
  return await reply.redirectTo('admin:raw_document', { collection: name, id: segment }, undefined, 303)
}
