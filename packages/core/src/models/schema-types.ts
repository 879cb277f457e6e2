import { Binary, Decimal128, Long, ObjectId } from 'mongodb'
import { Type as TypeBox, type TSchema, type TUnsafe } from 'typebox'

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
  return TypeBox.Unsafe<ObjectId>({ ...options, taoType: 'objectId' })
}

/** A schema for a `Date` instance (a valid one); forms coerce `YYYY-MM-DD` and ISO strings into one. */
export function DateType (options: BsonTypeOptions = {}): TUnsafe<Date> {
  return TypeBox.Unsafe<Date>({ ...options, taoType: 'date' })
}

/** A schema for a `Decimal128` (exact decimals: prices). */
export function Decimal128Type (options: BsonTypeOptions = {}): TUnsafe<Decimal128> {
  return TypeBox.Unsafe<Decimal128>({ ...options, taoType: 'decimal128' })
}

/** A schema for a `Long` (64-bit integer). */
export function LongType (options: BsonTypeOptions = {}): TUnsafe<Long> {
  return TypeBox.Unsafe<Long>({ ...options, taoType: 'long' })
}

/** A schema for a `Binary` (bytes stored in the document). */
export function BinaryType (options: BsonTypeOptions = {}): TUnsafe<Binary> {
  return TypeBox.Unsafe<Binary>({ ...options, taoType: 'binary' })
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
export const Type: typeof TypeBox & {
  ObjectId: typeof ObjectIdType
  Date: typeof DateType
  Decimal128: typeof Decimal128Type
  Long: typeof LongType
  Binary: typeof BinaryType
} = Object.freeze({ ...TypeBox, ObjectId: ObjectIdType, Date: DateType, Decimal128: Decimal128Type, Long: LongType, Binary: BinaryType })

export type { TSchema }
