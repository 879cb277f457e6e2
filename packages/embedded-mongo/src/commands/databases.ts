import type { Document } from 'bson'
import { ID_INDEX_SPEC } from '../engine/collection.js'
import { CommandError } from '../engine/command-error.js'
import { compileFilter } from '../engine/mingo.js'
import { documentEncoder } from '../engine/query.js'
import { dataSize, splitNamespace } from '../engine/store.js'
import { boolArg, collectionArg, docArg, intArg } from './args.js'
import type { CommandHandler } from './context.js'

// Collection kinds this store cannot honour; accepting them silently would break their promise.
const UNSUPPORTED_OPTIONS = ['capped', 'viewOn', 'timeseries', 'validator', 'clusteredIndex', 'encryptedFields', 'changeStreamPreAndPostImages']
const IGNORED_OPTIONS = new Set(['create', '$db', 'lsid', '$clusterTime', 'writeConcern', 'comment', 'apiVersion', 'apiStrict', 'apiDeprecationErrors'])

function unsupported (what: string): CommandError {
  return new CommandError('CommandNotSupported', `The embedded database does not support ${what}. Set TAO_DATABASE_URL to use a MongoDB server for this.`)
}

const create: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'create')
  const options: Document = {}
  for (const [key, value] of Object.entries(cmd)) {
    if (UNSUPPORTED_OPTIONS.includes(key) && value !== false) throw unsupported(`the '${key}' collection option`)
    if (!IGNORED_OPTIONS.has(key)) options[key] = value
  }
  ctx.store.create(ctx.db, name, options)
  return { ok: 1 }
}

const drop: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'drop')
  const coll = ctx.store.collection(ctx.db, name)
  // Since MongoDB 7.0 dropping a missing collection succeeds.
  if (coll === undefined) return { ok: 1 }
  const nIndexesWas = coll.indexes.size + 1
  ctx.store.drop(ctx.db, name)
  return { ns: coll.ns, nIndexesWas, ok: 1 }
}

const dropDatabase: CommandHandler = (_cmd, ctx) => {
  ctx.store.dropDatabase(ctx.db)
  return { dropped: ctx.db, ok: 1 }
}

const listCollections: CommandHandler = (cmd, ctx) => {
  const filter = docArg(cmd, 'filter') ?? {}
  const nameOnly = boolArg(cmd, 'nameOnly')
  let infos: Document[] = ctx.store.collections(ctx.db).map((coll) => ({
    name: coll.name,
    type: 'collection',
    options: coll.options,
    info: { readOnly: false, uuid: coll.uuid },
    idIndex: ID_INDEX_SPEC,
  }))
  if (Object.keys(filter).length > 0) {
    const query = compileFilter(filter)
    infos = infos.filter((info) => query.test(info))
  }
  if (nameOnly) infos = infos.map(({ name, type }) => ({ name, type }))
  const batchSize = intArg(docArg(cmd, 'cursor') ?? {}, 'batchSize')
  return ctx.cursors.open(`${ctx.db}.$cmd.listCollections`, infos, documentEncoder, batchSize)
}

const listDatabases: CommandHandler = (cmd, ctx) => {
  const filter = docArg(cmd, 'filter')
  let dbs: Document[] = ctx.store.databases().map((name) => {
    const sizeOnDisk = ctx.store.collections(name).reduce((sum, coll) => sum + dataSize(coll), 0)
    return { name, sizeOnDisk, empty: false }
  })
  if (filter !== undefined) {
    const query = compileFilter(filter)
    dbs = dbs.filter((db) => query.test(db))
  }
  if (boolArg(cmd, 'nameOnly')) return { databases: dbs.map(({ name }) => ({ name })), ok: 1 }
  const totalSize = dbs.reduce((sum, db) => sum + Number(db.sizeOnDisk), 0)
  return { databases: dbs, totalSize, totalSizeMb: Math.floor(totalSize / 1048576), ok: 1 }
}

const renameCollection: CommandHandler = (cmd, ctx) => {
  const from = collectionArg(cmd, 'renameCollection')
  const to = collectionArg(cmd, 'to')
  if (ctx.db !== 'admin') throw new CommandError('IllegalOperation', 'renameCollection may only be run against the admin database.')
  if (splitNamespace(from)[1] === '' || splitNamespace(to)[1] === '') throw new CommandError('InvalidNamespace', `Invalid namespace: ${from} -> ${to}`)
  ctx.store.rename(from, to, boolArg(cmd, 'dropTarget'))
  return { ok: 1 }
}

const dbStats: CommandHandler = (_cmd, ctx) => {
  const colls = ctx.store.collections(ctx.db)
  const objects = colls.reduce((sum, coll) => sum + coll.docs.size, 0)
  const size = colls.reduce((sum, coll) => sum + dataSize(coll), 0)
  return {
    db: ctx.db,
    collections: colls.length,
    views: 0,
    objects,
    avgObjSize: objects > 0 ? size / objects : 0,
    dataSize: size,
    storageSize: size,
    indexes: colls.reduce((sum, coll) => sum + coll.indexes.size + 1, 0),
    indexSize: 0,
    totalSize: size,
    scaleFactor: 1,
    ok: 1,
  }
}

/** Database and collection management commands. */
export const databaseCommands: Record<string, CommandHandler> = {
  create, drop, dropDatabase, listCollections, listDatabases, renameCollection, dbStats,
}
