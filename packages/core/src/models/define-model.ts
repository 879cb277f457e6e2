import type { CollationOptions, Db, Document } from 'mongodb'
import type { Static, TSchema } from 'typebox'
import { taoError } from '../errors/index.js'
import { appNameProblem } from '../names/index.js'
import { kCompileModel, kModelDef } from '../symbols.js'
import { ModelCollection } from './collection.js'
import type { Form } from '../forms/define-form.js'
import { buildModelForm, type ModelFormOptions } from './model-form.js'
import type { FieldErrors } from './messages.js'
import { Validator, type ValidateOptions, type ValidationResult } from './validate.js'

/** An index a model declares; `tao migrate` creates it (and `tao dev` and tests, at boot). */
export interface ModelIndex {
  /** The key, as MongoDB takes it: `{ slug: 1 }`, `{ at: -1, author: 1 }`, `{ body: 'text' }`. */
  key: Record<string, 1 | -1 | 'text' | '2dsphere' | 'hashed'>
  unique?: boolean
  /** Default: MongoDB's own (`slug_1`). */
  name?: string
  sparse?: boolean
  expireAfterSeconds?: number
  partialFilterExpression?: Document
  collation?: CollationOptions
}

/** Options of {@link defineModel}. */
export interface ModelOptions<S extends TSchema> {
  /** The collection's name (default `<app>_<model>`, e.g. `blog_posts`). */
  collection?: string
  /** The documents' schema, built with `Type` (TypeBox). */
  schema: S
  indexes?: readonly ModelIndex[]
}

/** Where a model finds its database: a request, a TaoApp, a service ctx (anything with `.db`), or a `Db`. */
export type DbSource = Db | { readonly db: Db }

const MODEL_KEY = /^[a-z][a-z0-9_]*$/

function isDb (source: unknown): source is Db {
  const s = source as { collection?: unknown, databaseName?: unknown } | null | undefined
  return typeof s === 'object' && s !== null && typeof s.collection === 'function' && typeof s.databaseName === 'string'
}

/**
 * A collection of an app with its schema and indexes, made by {@link defineModel}. Its
 * validators are compiled once, when it is defined.
 */
export class Model<S extends TSchema = TSchema, T extends Document = Static<S> & Document> {
  /** Full name, `'blog:posts'`. */
  readonly name: string
  /** The app part, `'blog'`. */
  readonly app: string
  /** The model part, `'posts'`. */
  readonly key: string
  readonly collectionName: string
  /** The TypeBox schema (plain JSON Schema plus `taoType`), for introspection: forms, the admin. */
  get schema (): S {
    this.#schema ??= checkedSchema(this.name, this.#makeSchema!())
    return this.#schema
  }

  readonly indexes: readonly ModelIndex[]
  readonly [kModelDef] = true
  #schema: S | undefined
  readonly #makeSchema: (() => S) | undefined
  #validator: Validator<T> | undefined
  readonly #collections = new WeakMap<Db, ModelCollection<T>>()

  constructor (name: string, options: ModelOptions<S> | LazyModelOptions<S>) {
    const [app = '', key = '', ...rest] = name.split(':')
    const keyProblem = MODEL_KEY.test(key) ? null : 'the model part must be a lowercase identifier (a-z, 0-9, _; starting with a letter)'
    const problem = rest.length > 0 || key === '' ? "it must look like 'app:model'" : appNameProblem(app) ?? keyProblem
    if (problem) throw taoError('TAO_ERR_MODEL_DEFINITION', [name, problem])
    this.name = name
    this.app = app
    this.key = key
    this.collectionName = options.collection ?? `${app}_${key}`
    if (typeof options?.schema === 'function') this.#makeSchema = options.schema
    else this.#schema = checkedSchema(name, options?.schema)
    this.indexes = Object.freeze((options.indexes ?? []).map((i) => Object.freeze({ ...i })))
  }

  // Made on first use ([kCompileModel] at boot for the project's models).
  get #checker (): Validator<T> {
    this.#validator ??= new Validator<T>(this.schema)
    return this.#validator
  }

  /**
   * The model's collection on the database of `source`: a request (`req`), a TaoApp, a
   * service ctx or a `Db`. Writes are validated; `.raw` is the driver's collection.
   * @throws TAO_ERR_MODEL_SOURCE when `source` holds no database.
   */
  of (source: DbSource): ModelCollection<T> {
    const db = isDb(source) ? source : (source as { db?: unknown } | null)?.db
    if (!isDb(db)) throw taoError('TAO_ERR_MODEL_SOURCE', [this.name])
    let collection = this.#collections.get(db)
    if (!collection) {
      collection = new ModelCollection<T>(this, db.collection<T>(this.collectionName))
      this.#collections.set(db, collection)
    }
    return collection
  }

  /** Compiles the validators now (loadModels does it at boot; otherwise on first use). */
  [kCompileModel] (): void {
    this.#checker.compile()
  }

  /**
   * Checks a document against the schema: whole (defaults filled in) or `partial` (only the
   * fields given). Never throws.
   */
  validate (doc: unknown, opts: ValidateOptions = {}): ValidationResult<T> {
    return this.#checker.check(doc, opts)
  }

  /**
   * Checks a document and returns it typed.
   * @throws TAO_ERR_MODEL_INVALID with `details.fields` (path → sentence).
   */
  assertValid (doc: unknown, opts: ValidateOptions = {}): T {
    const result = this.#checker.check(doc, opts)
    if (!result.ok) throw invalid(this.name, result.errors)
    return result.value
  }

  /**
   * Checks `$set`-style values (`{ title: 'x', 'meta.tags': [...] }`) where the schema
   * describes their paths.
   * @throws TAO_ERR_MODEL_INVALID
   */
  assertValidPaths (values: Record<string, unknown>): void {
    const errors = this.#checker.checkPaths(values)
    if (Object.keys(errors).length > 0) throw invalid(this.name, errors)
  }

  /**
   * A form of this model's fields (all but `_id`, or those picked / not omitted), with its
   * rules; `form.save(req, (data) => Post.of(req).insertOne(...))` shows a taken unique value
   * beside its field.
   * @see docs/reference/forms.md
   */
  form<K extends keyof T & string> (opts: ModelFormOptions<K> & { pick: readonly K[] }): Form<Pick<T, K>>
  form<K extends keyof T & string> (opts: ModelFormOptions<K> & { omit: readonly K[] }): Form<Omit<T, K | '_id'>>
  form (opts?: ModelFormOptions): Form<Omit<T, '_id'>>
  form (opts: ModelFormOptions = {}): Form<unknown> {
    return buildModelForm(this.name, this.schema, opts)
  }

  /** The top-level fields the schema requires. */
  get requiredFields (): readonly string[] {
    return this.#checker.required
  }
}

function checkedSchema<S extends TSchema> (name: string, schema: S | undefined): S {
  if ((schema as { type?: unknown } | undefined)?.type !== 'object') {
    throw taoError('TAO_ERR_MODEL_DEFINITION', [name, 'its schema must be a Type.Object({ ... })'])
  }
  return schema!
}

function invalid (model: string, fields: FieldErrors) {
  return taoError('TAO_ERR_MODEL_INVALID', [model, fields], { model, fields })
}

/**
 * Declares a model in an app's `models.ts`: a typed, validated collection with its indexes.
 * @example
 *   export const Post = defineModel('blog:posts', {
 *     collection: 'posts',
 *     schema: Type.Object({ _id: Type.Optional(Type.ObjectId()), title: Type.String({ minLength: 1 }) }),
 *     indexes: [{ key: { slug: 1 }, unique: true }],
 *   })
 *   export type PostDocument = ModelDocument<typeof Post>
 * @throws TAO_ERR_MODEL_DEFINITION for a bad name or a schema that is not an object.
 * @see docs/reference/models.md
 */
export function defineModel<S extends TSchema> (name: string, options: ModelOptions<S>): Model<S> {
  return new Model<S>(name, options)
}

/**
 * Options of a built-in app's model whose schema is built on first use: the auth and admin
 * models are imported with @tao/core, and building their schemas would load TypeBox (some
 * 370 modules) at every boot, whether those apps are on or not. Internal to @tao/core.
 */
export interface LazyModelOptions<S extends TSchema> extends Omit<ModelOptions<S>, 'schema'> {
  schema: () => S
}

/** {@link defineModel} for the built-in apps, with the schema built on first use. */
export function defineLazyModel<S extends TSchema> (name: string, options: LazyModelOptions<S>): Model<S> {
  return new Model<S>(name, options)
}

/** The document type of a model: `type PostDocument = ModelDocument<typeof Post>`. */
export type ModelDocument<M> = M extends Model<TSchema, infer T> ? T : never

/** True when `value` was made by {@link defineModel} (by any copy of @tao/core). */
export function isModel (value: unknown): value is Model {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kModelDef] === true
}
