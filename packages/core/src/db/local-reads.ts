import { BSON, Collection, Db, type CollectionOptions, type Document, type Filter, type FindOptions, type MongoClient } from 'mongodb'

/** Reads a document by `_id` in this process (EmbeddedMongo.readById): bytes, null for none, undefined to use the wire. */
export type ReadById = (db: string, collection: string, id: unknown) => Uint8Array | null | undefined

const driverFindOne = Collection.prototype.findOne

// Collections without options kept per name (a page asks for the same few on every request),
// up to this many names; the driver itself makes a new one per call.
const MAX_KEPT = 1000

// How each collection's documents are decoded: as its cursor decodes them.
const decodeOptions = new WeakMap<Collection, BSON.DeserializeOptions>()
function decodeOptionsOf (coll: Collection): BSON.DeserializeOptions {
  let options = decodeOptions.get(coll)
  if (options === undefined) {
    const bson = coll.bsonOptions
    options = { ...bson, validation: { utf8: bson.enableUtf8Validation !== false } }
    decodeOptions.set(coll, options)
  }
  return options
}

// The options a request's database deadline (db/deadline.ts) adds to every operation: a read
// done here ends before either could matter, so they do not send it over the wire.
const DEADLINE_OPTIONS: ReadonlySet<string> = new Set(['signal', 'maxTimeMS'])

// Whether a findOne can be answered in this process: a filter `{ _id }` and no options but the
// deadline's (a deadline already past goes to the driver, which fails it as it would).
// Anything else (a projection, a session, a comment...) goes through the driver.
function byIdOnly (filter: unknown, options: unknown): filter is { _id: unknown } {
  if (options !== undefined) {
    if (options === null || typeof options !== 'object') return false
    for (const key in options) if (!DEADLINE_OPTIONS.has(key)) return false
    if ((options as { signal?: AbortSignal }).signal?.aborted === true) return false
  }
  if (filter === null || typeof filter !== 'object') return false
  for (const key in filter) if (key !== '_id') return false
  return '_id' in filter
}

/**
 * The `Db` of an app whose embedded store runs in its own process. It is the driver's `Db`
 * in every way but one: `findOne({ _id })` without options (a page reading one document)
 * reads the store directly instead of encoding a command, crossing a loopback socket twice
 * and decoding the reply, which costs several times the rest of a small page. The bytes are
 * the ones the wire would carry and are decoded with the collection's BSON options, as the
 * driver's cursor decodes them, so the result is the same document. Whatever the store
 * cannot answer that way (views, collations, operators, options) goes through the driver.
 */
export class LocalReadsDb extends Db {
  readonly #findOne: Collection['findOne']
  readonly #kept = new Map<string, Collection>()

  constructor (client: MongoClient, name: string, read: ReadById) {
    // As MongoClient.db() makes it: the client's options are the database's defaults.
    super(client, name, { ...client.options })
    const dbName = this.databaseName
    this.#findOne = async function findOne (this: Collection, filter?: Filter<Document>, options?: FindOptions): Promise<Document | null> {
      if (byIdOnly(filter, options)) {
        const bytes = this.bsonOptions.raw === true ? undefined : read(dbName, this.collectionName, filter._id)
        if (bytes === null) return null
        if (bytes !== undefined) return BSON.deserialize(bytes, decodeOptionsOf(this))
      }
      return await (driverFindOne.call(this, filter as Filter<Document>, options as FindOptions) as Promise<Document | null>)
    } as Collection['findOne']
  }

  override collection<TSchema extends Document = Document> (name: string, options?: CollectionOptions): Collection<TSchema> {
    const kept = options === undefined ? this.#kept.get(name) : undefined
    if (kept !== undefined) return kept as unknown as Collection<TSchema>
    const coll = super.collection<TSchema>(name, options)
    // An own property: the driver's prototype stays untouched.
    ;(coll as { findOne: unknown }).findOne = this.#findOne
    if (options === undefined) {
      if (this.#kept.size >= MAX_KEPT) this.#kept.clear()
      this.#kept.set(name, coll as unknown as Collection)
    }
    return coll
  }
}
