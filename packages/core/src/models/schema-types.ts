import { createRequire } from 'node:module'
import { Binary, Decimal128, Long, ObjectId } from 'mongodb'
import type { Type as TypeBoxType, TSchema, TUnsafe } from 'typebox'

type TypeBoxBuilder = typeof TypeBoxType
const require = createRequire(import.meta.url)
let typebox: TypeBoxBuilder | undefined

/**
 * TypeBox's builder, loaded on first use. The `typebox` package is some 370 modules, a tenth
 * of a second of every boot; a project whose modules build no schema never needs it. Node
 * loads it through require(), which returns the same module instance as `import`.
 */
function typeBox (): TypeBoxBuilder {
  typebox ??= (require('typebox') as { Type: TypeBoxBuilder }).Type
  return typebox
}

/**
 * The BSON types a schema can require, checked by the `taoType` keyword tao adds to Ajv:
 * JSON Schema knows nothing of class instances, and a document read from MongoDB holds an
 * `ObjectId` and a `Date`, not strings.
 */
export type TaoBsonType = 'objectId' | 'date' | 'decimal128' | 'long' | 'binary'

/** Options of {@link ObjectIdType} and {@link DateType}: annotations plus the tao message override. */
export interface BsonTypeOptions {
  title?: string
  description?: string
  /** The sentence shown when the value is not valid (forms, TAO_ERR_MODEL_INVALID). */
  errorMessage?: string
}

/** A schema for a `mongodb` ObjectId instance; forms coerce a 24-hex string into one. */
export function ObjectIdType (options: BsonTypeOptions = {}): TUnsafe<ObjectId> {
  return typeBox().Unsafe<ObjectId>({ ...options, taoType: 'objectId' })
}

/** A schema for a `Date` instance (a valid one); forms coerce `YYYY-MM-DD` and ISO strings into one. */
export function DateType (options: BsonTypeOptions = {}): TUnsafe<Date> {
  return typeBox().Unsafe<Date>({ ...options, taoType: 'date' })
}

/** A schema for a `Decimal128` (exact decimals: prices). */
export function Decimal128Type (options: BsonTypeOptions = {}): TUnsafe<Decimal128> {
  return typeBox().Unsafe<Decimal128>({ ...options, taoType: 'decimal128' })
}

/** A schema for a `Long` (64-bit integer). */
export function LongType (options: BsonTypeOptions = {}): TUnsafe<Long> {
  return typeBox().Unsafe<Long>({ ...options, taoType: 'long' })
}

/** A schema for a `Binary` (bytes stored in the document). */
export function BinaryType (options: BsonTypeOptions = {}): TUnsafe<Binary> {
  return typeBox().Unsafe<Binary>({ ...options, taoType: 'binary' })
}

const CLASSES = { objectId: ObjectId, decimal128: Decimal128, long: Long, binary: Binary } as const

/** The tao BSON type a schema requires, if any. */
export function bsonTypeOf (schema: unknown): TaoBsonType | undefined {
  const t = (schema as { taoType?: unknown } | null)?.taoType
  return t === 'date' || (typeof t === 'string' && t in CLASSES) ? t as TaoBsonType : undefined
}

/** True when `value` is what the tao BSON type `type` requires. */
export function isBsonValue (type: TaoBsonType, value: unknown): boolean {
  if (type === 'date') return value instanceof Date && !Number.isNaN(value.getTime())
  return value instanceof CLASSES[type]
}

/**
 * TypeBox's `Type` builder (the `typebox` package that Fastify's type provider uses), plus
 * `Type.ObjectId()`, `Type.Date()`, `Type.Decimal128()`, `Type.Long()` and `Type.Binary()`
 * for the BSON values documents hold.
 * @example
 *   const schema = Type.Object({ _id: Type.Optional(Type.ObjectId()), at: Type.Date(), title: Type.String() })
 * @see docs/reference/models.md
 */
export const Type: TypeBoxBuilder & {
  ObjectId: typeof ObjectIdType
  Date: typeof DateType
  Decimal128: typeof Decimal128Type
  Long: typeof LongType
  Binary: typeof BinaryType
} = lazyBuilder({ ObjectId: ObjectIdType, Date: DateType, Decimal128: Decimal128Type, Long: LongType, Binary: BinaryType })

/** `extras` over TypeBox's builder, which is loaded at the first read of one of its members; read-only. */
function lazyBuilder<E extends object> (extras: E): TypeBoxBuilder & E {
  const own = (key: string | symbol): boolean => Object.hasOwn(extras, key)
  const value = (key: string | symbol): unknown => own(key) ? (extras as Record<string | symbol, unknown>)[key] : (typeBox() as unknown as Record<string | symbol, unknown>)[key]
  const readOnly = (): boolean => false
  return new Proxy({}, {
    get: (_target, key) => value(key),
    has: (_target, key) => own(key) || key in typeBox(),
    ownKeys: () => [...new Set([...Reflect.ownKeys(typeBox()), ...Reflect.ownKeys(extras)])],
    getOwnPropertyDescriptor: (_target, key) => own(key) || Object.hasOwn(typeBox(), key)
      ? { value: value(key), writable: false, enumerable: true, configurable: true }
      : undefined,
    set: readOnly,
    defineProperty: readOnly,
    deleteProperty: readOnly,
  }) as TypeBoxBuilder & E
}

export type { TSchema }
