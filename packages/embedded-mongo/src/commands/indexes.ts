import type { Document } from 'bson'
import type { Collection } from '../engine/collection.js'
import { parseCollation } from '../engine/collation.js'
import { CommandError } from '../engine/command-error.js'
import { defaultIndexName } from '../engine/indexes.js'
import { documentEncoder } from '../engine/query.js'
import { indexSpecs } from '../engine/store.js'
import { formatDocument, isPlainObject, valueKey } from '../engine/values.js'
import { collectionArg, docArg, intArg } from './args.js'
import type { CommandHandler } from './context.js'
import { checkFields } from './options.js'
import { assertNotView } from './views.js'

// Options that change what an index means; two specs with the same key must agree on them.
const SEMANTIC_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation']
const PASSED_THROUGH = [...SEMANTIC_OPTIONS, 'hidden', 'background']

// Options of index kinds the store refuses anyway (text, 2d...), so they are not "unknown".
const OTHER_KNOWN = ['key', 'name', 'v', 'ns', 'storageEngine', 'weights', 'default_language', 'language_override', 'textIndexVersion', '2dsphereIndexVersion', 'bits', 'min', 'max', 'wildcardProjection', 'prepareUnique']

function normalizeSpec (raw: unknown, collectionCollation: unknown): Document {
  if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw new CommandError('FailedToParse', 'Index specification must be a document with a non-empty \'key\' document')
  }
  for (const field of Object.keys(raw)) {
    if (!PASSED_THROUGH.includes(field) && !OTHER_KNOWN.includes(field)) {
      throw new CommandError('InvalidIndexSpecificationOption', `The field '${field}' is not valid for an index specification. Specification: ${formatDocument(raw)}`)
    }
  }
  for (const [field, dir] of Object.entries(raw.key)) {
    if (typeof dir === 'string' && dir !== 'hashed') {
      throw new CommandError('CommandNotSupported', `The embedded database does not support '${dir}' indexes (field '${field}'). Set TAO_DATABASE_URL to use a MongoDB server for this.`)
    }
  }
  const spec: Document = { v: 2, key: raw.key, name: typeof raw.name === 'string' ? raw.name : defaultIndexName(raw.key) }
  for (const option of PASSED_THROUGH) {
    if (raw[option] !== undefined && raw[option] !== false) spec[option] = raw[option]
  }
  // An index has the collection's default collation unless it names its own; listIndexes shows it in full.
  const collation = raw.collation === undefined ? collectionCollation : parseCollation(raw.collation, 'collation')?.spec
  if (collation === undefined || collation === null) delete spec.collation
  else spec.collation = collation
  return spec
}

function semanticKey (spec: Document): string {
  return valueKey(SEMANTIC_OPTIONS.map((o) => spec[o] ?? null))
}

// true when an identical index already exists; throws when one conflicts.
function alreadyExists (coll: Collection, spec: Document): boolean {
  const key = valueKey(spec.key)
  const all = [{ v: 2, key: { _id: 1 }, name: '_id_' }, ...[...coll.indexes.values()].map((i) => i.spec)]
  for (const existing of all) {
    const sameName = existing.name === spec.name
    const sameKey = valueKey(existing.key) === key
    if (!sameName && !sameKey) continue
    if (sameName && !sameKey) {
      throw new CommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${formatDocument(spec)}, existing index: ${formatDocument(existing)}`)
    }
    if (existing.name === '_id_') return true
    if (semanticKey(existing) !== semanticKey(spec)) {
      throw new CommandError('IndexOptionsConflict', `An existing index has the same name as the requested index. Requested index: ${formatDocument(spec)}, existing index: ${formatDocument(existing)}`)
    }
    if (!sameName) throw new CommandError('IndexOptionsConflict', `Index already exists with a different name: ${String(existing.name)}`)
    return true
  }
  return false
}

const CREATE_INDEXES_FIELDS = new Set(['createIndexes', 'indexes', 'commitQuorum'])
const LIST_INDEXES_FIELDS = new Set(['listIndexes', 'cursor', 'includeBuildUUIDs', 'includeIndexBuildInfo'])
const DROP_INDEXES_FIELDS = new Set(['dropIndexes', 'deleteIndexes', 'index'])

const createIndexes: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'createIndexes')
  checkFields(cmd, 'createIndexes', CREATE_INDEXES_FIELDS)
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create')
  const found = ctx.store.collection(ctx.db, name)
  assertNotView(found)
  const specs = (cmd.indexes as unknown[]).map((raw) => normalizeSpec(raw, found?.options.collation))
  const created = found === undefined
  const coll = ctx.store.ensure(ctx.db, name)
  const before = coll.indexes.size + 1
  for (const spec of specs) if (!alreadyExists(coll, spec)) coll.addIndex(spec)
  const after = coll.indexes.size + 1
  return {
    numIndexesBefore: before,
    numIndexesAfter: after,
    ...(after === before ? { note: 'all indexes already exist' } : {}),
    createdCollectionAutomatically: created,
    ok: 1,
  }
}

function existingCollection (cmd: Document, field: string, db: string, lookup: (name: string) => Collection | undefined): Collection {
  const name = collectionArg(cmd, field)
  const coll = lookup(name)
  if (coll === undefined) throw new CommandError('NamespaceNotFound', `ns does not exist: ${db}.${name}`)
  return coll
}

const listIndexes: CommandHandler = (cmd, ctx) => {
  checkFields(cmd, 'listIndexes', LIST_INDEXES_FIELDS)
  const coll = existingCollection(cmd, 'listIndexes', ctx.db, (n) => ctx.store.collection(ctx.db, n))
  return ctx.cursors.open(coll.ns, indexSpecs(coll), documentEncoder, intArg(docArg(cmd, 'cursor') ?? {}, 'batchSize'))
}

function indexNamed (coll: Collection, name: string): string {
  if (name === '_id_') throw new CommandError('InvalidOptions', 'cannot drop _id index')
  if (!coll.indexes.has(name)) throw new CommandError('IndexNotFound', `index not found with name [${name}]`)
  return name
}

const dropIndexes: CommandHandler = (cmd, ctx) => {
  const field = 'dropIndexes' in cmd ? 'dropIndexes' : 'deleteIndexes'
  checkFields(cmd, field, DROP_INDEXES_FIELDS)
  const coll = existingCollection(cmd, field, ctx.db, (n) => ctx.store.collection(ctx.db, n))
  const nIndexesWas = coll.indexes.size + 1
  const which: unknown = cmd.index
  let names: string[]
  if (which === '*') {
    names = [...coll.indexes.keys()]
  } else if (typeof which === 'string') {
    names = [indexNamed(coll, which)]
  } else if (Array.isArray(which)) {
    names = which.map((n) => indexNamed(coll, String(n)))
  } else if (isPlainObject(which)) {
    const key = valueKey(which)
    if (key === valueKey({ _id: 1 })) throw new CommandError('InvalidOptions', 'cannot drop _id index')
    const found = [...coll.indexes.values()].find((i) => valueKey(i.spec.key) === key)
    if (found === undefined) throw new CommandError('IndexNotFound', `can't find index with key: ${formatDocument(which)}`)
    names = [found.name]
  } else {
    throw new CommandError('FailedToParse', 'BSON field \'dropIndexes.index\' is missing but a required field')
  }
  for (const n of names) coll.dropIndex(n)
  return { nIndexesWas, ok: 1 }
}

/** createIndexes, listIndexes, dropIndexes. */
export const indexCommands: Record<string, CommandHandler> = { createIndexes, listIndexes, dropIndexes, deleteIndexes: dropIndexes }
