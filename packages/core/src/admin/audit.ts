import type { FastifyRequest } from 'fastify'
import { BSON, type Db, type ObjectId } from 'mongodb'
import { AdminLog } from './models.js'

/** The collection holding the admin's audit log (the model `admin:log`). */
export const AUDIT_COLLECTION = AdminLog.collectionName

/** What an audit entry says was done: the built-ins, or `action:<name>` for a custom action. */
export type AuditVerb = 'add' | 'change' | 'delete' | `action:${string}`

/** One line of the audit log. */
export interface AuditEntry {
  _id?: ObjectId
  at: Date
  /** Who: the user's id and name at the time. */
  user: { id: ObjectId | null, username: string }
  action: AuditVerb
  /** The model ('blog:posts'), or 'raw:<collection>' for the raw browser. */
  model: string
  /** The document's id as it appears in admin URLs (see encodeDocId). */
  docId: string
  /** How the document was named at the time. */
  label: string
  /** Top-level fields that changed (add: those set; delete: none). */
  fields: string[]
  /** What a custom action reported, if anything. */
  message?: string
}

const { EJSON } = BSON
const same = (a: unknown, b: unknown): boolean =>
  EJSON.stringify(a ?? null, { relaxed: false }) === EJSON.stringify(b ?? null, { relaxed: false })

/** Top-level fields whose values differ between two versions of a document, sorted. */
export function changedFields (before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  keys.delete('_id')
  return [...keys].filter((k) => !same(before[k], after[k])).sort()
}

/** The acting user, as the log keeps it. */
export function actor (req: FastifyRequest): AuditEntry['user'] {
  return { id: req.user._id, username: req.user.username }
}

/** Writes entries to the audit log (one insert, whatever their number). */
export async function recordActions (db: Db, entries: Omit<AuditEntry, 'at' | '_id'>[]): Promise<void> {
  if (entries.length === 0) return
  const at = new Date()
  await AdminLog.of(db).insertMany(entries.map((e) => ({ ...e, at })) as never[])
}

/** The latest entries, newest first (the index page; `models` limits them to what the user may view). */
export async function recentActions (db: Db, limit: number, models?: readonly string[]): Promise<AuditEntry[]> {
  const filter = models === undefined ? {} : { model: { $in: [...models] } }
  return await db.collection<AuditEntry>(AUDIT_COLLECTION).find(filter).sort({ at: -1, _id: -1 }).limit(limit).toArray()
}

/** Every entry about one document, newest first. */
export async function historyOf (db: Db, model: string, docId: string, limit = 200): Promise<AuditEntry[]> {
  return await db.collection<AuditEntry>(AUDIT_COLLECTION).find({ model, docId }).sort({ at: -1, _id: -1 }).limit(limit).toArray()
}
