import { ObjectId } from 'mongodb'
import { Type as TypeBox, type TSchema, type TUnsafe } from 'typebox'

/**
 * The BSON types a schema can require, checked by the `taoType` keyword tao adds to Ajv:
 * JSON Schema knows nothing of class instances, and a document read from MongoDB holds an
 * `ObjectId` and a `Date`, not strings.
 */
export type TaoBsonType = 'objectId' | 'date'

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

/** The tao BSON type a schema requires, if any. */
export function bsonTypeOf (schema: unknown): TaoBsonType | undefined {
  const t = (schema as { taoType?: unknown } | null)?.taoType
  return t === 'objectId' || t === 'date' ? t : undefined
}

/** True when `value` is what the tao BSON type `type` requires. */
export function isBsonValue (type: TaoBsonType, value: unknown): boolean {
  if (type === 'objectId') return value instanceof ObjectId
  return value instanceof Date && !Number.isNaN(value.getTime())
}

/**
 * TypeBox's `Type` builder (the `typebox` package that Fastify's type provider uses), plus
 * `Type.ObjectId()` and `Type.Date()` for the BSON values documents hold.
 * @example
 *   const schema = Type.Object({ _id: Type.Optional(Type.ObjectId()), at: Type.Date(), title: Type.String() })
 * @see docs/reference/models.md
 */
export const Type: typeof TypeBox & { ObjectId: typeof ObjectIdType, Date: typeof DateType } =
  Object.freeze({ ...TypeBox, ObjectId: ObjectIdType, Date: DateType })

export type { TSchema }
