import type {
  AggregateOptions, AggregationCursor, BulkWriteOptions, Collection, CountDocumentsOptions, DeleteOptions,
  DeleteResult, Document, Filter, FindCursor, FindOneAndDeleteOptions, FindOneAndReplaceOptions,
  FindOneAndUpdateOptions, FindOptions, InsertManyResult, InsertOneOptions, InsertOneResult,
  OptionalUnlessRequiredId, ReplaceOptions, UpdateFilter, UpdateOptions, UpdateResult, WithId, WithoutId,
} from 'mongodb'
import { taoError } from '../errors/index.js'
import { duplicateError } from './duplicate.js'
import type { FieldErrors } from './messages.js'
import type { ModelIndex } from './define-model.js'

/** What a {@link ModelCollection} needs of its model. */
export interface CollectionModel {
  readonly name: string
  readonly indexes: readonly ModelIndex[]
  readonly requiredFields: readonly string[]
  assertValid: (doc: unknown) => unknown
  assertValidPaths: (values: Record<string, unknown>) => void
}

/**
 * A model's collection: the driver's `Collection<T>` methods, with every write checked
 * against the schema first (whole documents on insert and replace; `$set` and
 * `$setOnInsert` values where the schema describes their paths; `$unset` of a required
 * field refused), and duplicate keys turned into field errors. `.raw` is the driver's
 * collection, for anything else.
 * @throws TAO_ERR_MODEL_INVALID, TAO_ERR_MODEL_DUPLICATE (writes)
 */
export class ModelCollection<T extends Document> {
  /** The driver's collection: no checks. */
  readonly raw: Collection<T>
  readonly #model: CollectionModel

  constructor (model: CollectionModel, raw: Collection<T>) {
    this.#model = model
    this.raw = raw
  }

  /** The collection's name in the database. */
  get collectionName (): string {
    return this.raw.collectionName
  }

  find (filter: Filter<T> = {}, options?: FindOptions): FindCursor<WithId<T>> {
    return this.raw.find(filter, options)
  }

  findOne (filter: Filter<T> = {}, options?: FindOptions): Promise<WithId<T> | null> {
    return this.raw.findOne(filter, options)
  }

  countDocuments (filter: Filter<T> = {}, options?: CountDocumentsOptions): Promise<number> {
    return this.raw.countDocuments(filter, options)
  }

  estimatedDocumentCount (): Promise<number> {
    return this.raw.estimatedDocumentCount()
  }

  aggregate<R extends Document = Document> (pipeline: Document[], options?: AggregateOptions): AggregationCursor<R> {
    return this.raw.aggregate<R>(pipeline, options)
  }

  async insertOne (doc: OptionalUnlessRequiredId<T>, options?: InsertOneOptions): Promise<InsertOneResult<T>> {
    this.#model.assertValid(doc)
    return await this.#write(() => this.raw.insertOne(doc, options))
  }

  async insertMany (docs: ReadonlyArray<OptionalUnlessRequiredId<T>>, options?: BulkWriteOptions): Promise<InsertManyResult<T>> {
    docs.forEach((doc, i) => this.#checkItem(doc, i))
    return await this.#write(() => this.raw.insertMany(docs, options))
  }

  async replaceOne (filter: Filter<T>, replacement: WithoutId<T>, options?: ReplaceOptions): Promise<UpdateResult<T>> {
    this.#model.assertValid(replacement)
    return await this.#write(() => this.raw.replaceOne(filter, replacement, options) as Promise<UpdateResult<T>>)
  }

  async updateOne (filter: Filter<T>, update: UpdateFilter<T>, options?: UpdateOptions): Promise<UpdateResult<T>> {
    this.#checkUpdate(update)
    return await this.#write(() => this.raw.updateOne(filter, update, options))
  }

  async updateMany (filter: Filter<T>, update: UpdateFilter<T>, options?: UpdateOptions): Promise<UpdateResult<T>> {
    this.#checkUpdate(update)
    return await this.#write(() => this.raw.updateMany(filter, update, options))
  }

  async findOneAndUpdate (filter: Filter<T>, update: UpdateFilter<T>, options: FindOneAndUpdateOptions = {}): Promise<WithId<T> | null> {
    this.#checkUpdate(update)
    return await this.#write(() => this.raw.findOneAndUpdate(filter, update, { ...options, includeResultMetadata: false }))
  }

  async findOneAndReplace (filter: Filter<T>, replacement: WithoutId<T>, options: FindOneAndReplaceOptions = {}): Promise<WithId<T> | null> {
    this.#model.assertValid(replacement)
    return await this.#write(() => this.raw.findOneAndReplace(filter, replacement, { ...options, includeResultMetadata: false }))
  }

  findOneAndDelete (filter: Filter<T>, options: FindOneAndDeleteOptions = {}): Promise<WithId<T> | null> {
    return this.raw.findOneAndDelete(filter, { ...options, includeResultMetadata: false })
  }

  deleteOne (filter: Filter<T> = {}, options?: DeleteOptions): Promise<DeleteResult> {
    return this.raw.deleteOne(filter, options)
  }

  deleteMany (filter: Filter<T> = {}, options?: DeleteOptions): Promise<DeleteResult> {
    return this.raw.deleteMany(filter, options)
  }

  #checkItem (doc: unknown, i: number): void {
    try {
      this.#model.assertValid(doc)
    } catch (err) {
      // Name the document: `2.title`, as MongoDB's bulk errors count from 0.
      const fields = (err as { details?: { fields?: FieldErrors } }).details?.fields
      if (!fields) throw err
      const named = Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${i}.${k}`, v]))
      throw taoError('TAO_ERR_MODEL_INVALID', [this.#model.name, named], { model: this.#model.name, fields: named, index: i })
    }
  }

  #checkUpdate (update: UpdateFilter<T> | Document[]): void {
    // An aggregation-pipeline update computes its values on the server: nothing to check here.
    if (Array.isArray(update)) return
    const u = update as Record<string, unknown>
    const values = { ...(u.$setOnInsert as Record<string, unknown> | undefined), ...(u.$set as Record<string, unknown> | undefined) }
    if (Object.keys(values).length > 0) this.#model.assertValidPaths(values)
    const unset = Object.keys((u.$unset as Record<string, unknown> | undefined) ?? {})
    const required = unset.filter((f) => this.#model.requiredFields.includes(f))
    if (required.length > 0) {
      const fields = Object.fromEntries(required.map((f) => [f, 'This field is required.']))
      throw taoError('TAO_ERR_MODEL_INVALID', [this.#model.name, fields], { model: this.#model.name, fields })
    }
  }

  async #write<R> (run: () => Promise<R>): Promise<R> {
    try {
      return await run()
    } catch (err) {
      throw duplicateError(this.#model.name, this.#model.indexes, err) ?? err
    }
  }
}
