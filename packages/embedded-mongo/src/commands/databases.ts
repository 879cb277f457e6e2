import type { Document } from 'bson'
import { ID_INDEX_SPEC } from '../engine/collection.js'
import { parseCollation } from '../engine/collation.js'
import { CommandError } from '../engine/command-error.js'
import { compileFilter } from '../engine/mingo.js'
import { documentEncoder } from '../engine/query.js'
import { dataSize, splitNamespace } from '../engine/store.js'
import { boolArg, collectionArg, docArg, intArg } from './args.js'
import type { CommandHandler } from './context.js'
import { checkFields, unsupported } from './options.js'
import { isView, viewOptions } from './views.js'

// Collection kinds this store cannot honour; accepting them silently would break their promise.
const UNSUPPORTED_OPTIONS = [
  'capped', 'size', 'max', 'timeseries', 'expireAfterSeconds', 'validator', 'validationLevel', 'validationAction',
  'clusteredIndex', 'encryptedFields', 'changeStreamPreAndPostImages', 'storageEngine', 'indexOptionDefaults',
]
const CREATE_FIELDS = new Set(['create', 'viewOn', 'pipeline', 'collation', 'autoIndexId', 'idIndex', 'recordIdsReplicated', ...UNSUPPORTED_OPTIONS])

const create: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'create')
  checkFields(cmd, 'create', CREATE_FIELDS)
  for (const key of UNSUPPORTED_OPTIONS) {
    if (cmd[key] !== undefined && cmd[key] !== false) throw unsupported(`the '${key}' collection option`)
  }
  if (cmd.pipeline !== undefined && cmd.viewOn === undefined) throw new CommandError('BadValue', '\'pipeline\' requires \'viewOn\' to also be specified')
  const options: Document = cmd.viewOn !== undefined ? viewOptions(name, cmd) : {}
  const collation = parseCollation(cmd.collation)
  if (collation !== null && collation !== undefined) options.collation = collation.spec
  ctx.store.create(ctx.db, name, options)
  return { ok: 1 }
}

const DROP_FIELDS = new Set(['drop'])
const DROP_DATABASE_FIELDS = new Set(['dropDatabase'])
const LIST_COLLECTIONS_FIELDS = new Set(['listCollections', 'filter', 'nameOnly', 'authorizedCollections', 'cursor'])
const LIST_DATABASES_FIELDS = new Set(['listDatabases', 'filter', 'nameOnly', 'authorizedDatabases'])
const RENAME_FIELDS = new Set(['renameCollection', 'to', 'dropTarget', 'stayTemp'])

const drop: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'drop')
  checkFields(cmd, 'drop', DROP_FIELDS)
  const coll = ctx.store.collection(ctx.db, name)
  // Since MongoDB 7.0 dropping a missing collection succeeds.
  if (coll === undefined) return { ok: 1 }
  const nIndexesWas = coll.indexes.size + 1
  ctx.store.drop(ctx.db, name)
  return { ns: coll.ns, nIndexesWas, ok: 1 }
}

const dropDatabase: CommandHandler = (cmd, ctx) => {
  checkFields(cmd, 'dropDatabase', DROP_DATABASE_FIELDS)
  ctx.store.dropDatabase(ctx.db)
  return { dropped: ctx.db, ok: 1 }
}

const listCollections: CommandHandler = (cmd, ctx) => {
  checkFields(cmd, 'listCollections', LIST_COLLECTIONS_FIELDS)
  const filter = docArg(cmd, 'filter') ?? {}
  const nameOnly = boolArg(cmd, 'nameOnly')
  let infos: Document[] = ctx.store.collections(ctx.db).map((coll) => isView(coll)
    ? { name: coll.name, type: 'view', options: coll.options, info: { readOnly: true } }
    : {
        name: coll.name,
        type: 'collection',
        options: coll.options,
        info: { readOnly: false, uuid: coll.uuid },
        idIndex: ID_INDEX_SPEC,
      })
  if (Object.keys(filter).length > 0) {
    const query = compileFilter(filter)
    infos = infos.filter((info) => query.test(info))
  }
  if (nameOnly) infos = infos.map(({ name, type }) => ({ name, type }))
  const batchSize = intArg(docArg(cmd, 'cursor') ?? {}, 'batchSize')
  return ctx.cursors.open(`${ctx.db}.$cmd.listCollections`, infos, documentEncoder, batchSize)
}

const listDatabases: CommandHandler = (cmd, ctx) => {
  checkFields(cmd, 'listDatabases', LIST_DATABASES_FIELDS)
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
  checkFields(cmd, 'renameCollection', RENAME_FIELDS)
  const to = collectionArg(cmd, 'to')
  if (ctx.db !== 'admin') throw new CommandError('IllegalOperation', 'renameCollection may only be run against the admin database.')
  if (splitNamespace(from)[1] === '' || splitNamespace(to)[1] === '') throw new CommandError('InvalidNamespace', `Invalid namespace: ${from} -> ${to}`)
  ctx.store.rename(from, to, boolArg(cmd, 'dropTarget'))
  return { ok: 1 }
}

const dbStats: CommandHandler = (_cmd, ctx) => {
  const all = ctx.store.collections(ctx.db)
  const colls = all.filter((coll) => !isView(coll))
  const objects = colls.reduce((sum, coll) => sum + coll.docs.size, 0)
  const size = colls.reduce((sum, coll) => sum + dataSize(coll), 0)
  return {
    db: ctx.db,
    collections: colls.length,
    views: all.length - colls.length,
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
