import { UUID, type Binary, type Document } from 'bson'
import { Collection, ID_INDEX_SPEC } from './collection.js'
import { CommandError } from './command-error.js'
import type { Journal, JournalOp } from './journal.js'

/** Splits `db.collection` (a collection name may itself contain dots). */
export function splitNamespace (ns: string): [db: string, name: string] {
  const dot = ns.indexOf('.')
  return dot < 0 ? [ns, ''] : [ns.slice(0, dot), ns.slice(dot + 1)]
}

function checkDatabaseName (db: string): void {
  if (db === '' || db.length > 63 || /[/\\. "$\0]/.test(db)) throw new CommandError('InvalidNamespace', `Invalid database name: '${db}'`)
}

function checkCollectionName (db: string, name: string): void {
  if (name === '' || name.includes('$') || name.includes('\0') || name.startsWith('system.') || name.startsWith('.')) {
    throw new CommandError('InvalidNamespace', `Invalid collection name: ${db}.${name}`)
  }
}

/**
 * All databases and collections, in memory. Every change goes through here or through a
 * {@link Collection}, and is sent to the journal (if any) in the order it happens.
 */
export class Store {
  readonly #dbs = new Map<string, Map<string, Collection>>()
  #journal: Journal | null = null
  readonly #log = (op: JournalOp): void => { this.#journal?.write(op) }

  /** Sends every later change to `journal` (the disk storage). */
  attach (journal: Journal | null): void {
    this.#journal = journal
  }

  databases (): string[] {
    return [...this.#dbs.keys()]
  }

  collections (db: string): Collection[] {
    return [...(this.#dbs.get(db)?.values() ?? [])]
  }

  collection (db: string, name: string): Collection | undefined {
    return this.#dbs.get(db)?.get(name)
  }

  /** The collection, created on first use as MongoDB does for inserts and upserts. */
  ensure (db: string, name: string): Collection {
    return this.collection(db, name) ?? this.create(db, name, {})
  }

  /** Creates a collection. @throws CommandError NamespaceExists */
  create (db: string, name: string, options: Document, uuid: Binary = new UUID(), log = true): Collection {
    checkDatabaseName(db)
    checkCollectionName(db, name)
    if (this.collection(db, name) !== undefined) throw new CommandError('NamespaceExists', `Collection ${db}.${name} already exists.`)
    const coll = new Collection(db, name, options, uuid, this.#log)
    let colls = this.#dbs.get(db)
    if (colls === undefined) this.#dbs.set(db, colls = new Map())
    colls.set(name, coll)
    if (log) this.#log({ op: 'createCollection', ns: coll.ns, options, uuid })
    return coll
  }

  /** Drops a collection; false if there was none. */
  drop (db: string, name: string, log = true): boolean {
    const colls = this.#dbs.get(db)
    if (colls?.delete(name) !== true) return false
    if (colls.size === 0) this.#dbs.delete(db)
    if (log) this.#log({ op: 'dropCollection', ns: `${db}.${name}` })
    return true
  }

  dropDatabase (db: string): void {
    for (const coll of this.collections(db)) this.drop(db, coll.name)
  }

  /** Renames a collection, possibly across databases. @throws CommandError */
  rename (from: string, to: string, dropTarget: boolean, log = true): void {
    const [fromDb, fromName] = splitNamespace(from)
    const [toDb, toName] = splitNamespace(to)
    const coll = this.collection(fromDb, fromName)
    if (coll === undefined) throw new CommandError('NamespaceNotFound', `Source collection ${from} does not exist`)
    checkDatabaseName(toDb)
    checkCollectionName(toDb, toName)
    if (this.collection(toDb, toName) !== undefined) {
      if (!dropTarget) throw new CommandError('NamespaceExists', `target namespace exists: ${to}`)
      this.drop(toDb, toName, log)
    }
    this.drop(fromDb, fromName, false)
    const moved = this.create(toDb, toName, coll.options, coll.uuid, false)
    for (const entry of coll.docs.values()) moved.adopt(entry)
    for (const index of coll.indexes.values()) moved.loadIndex(index.spec)
    moved.rebuildIndexes()
    if (log) this.#log({ op: 'rename', ns: from, to })
  }

  /** Applies one change read back from disk, without checks and without journaling it again. */
  apply (op: JournalOp): void {
    const [db, name] = splitNamespace(op.ns)
    switch (op.op) {
      case 'createCollection':
        if (this.collection(db, name) === undefined) this.create(db, name, op.options, op.uuid, false)
        return
      case 'dropCollection': this.drop(db, name, false); return
      case 'rename': if (this.collection(db, name) !== undefined) this.rename(op.ns, op.to, true, false); return
    }
    const coll = this.collection(db, name) ?? this.create(db, name, {}, new UUID(), false)
    switch (op.op) {
      case 'put': coll.load(op.raw); break
      case 'del': coll.unload(op.id); break
      case 'createIndex': coll.loadIndex(op.spec); break
      case 'dropIndex': coll.dropIndex(op.name, false); break
    }
  }

  /** Fills every index once all changes are applied. */
  finishLoading (): void {
    for (const db of this.#dbs.values()) for (const coll of db.values()) coll.rebuildIndexes()
  }

  /** The whole store as changes that rebuild it: what a snapshot holds. */
  * dump (): Generator<JournalOp> {
    for (const db of this.#dbs.values()) {
      for (const coll of db.values()) {
        yield { op: 'createCollection', ns: coll.ns, options: coll.options, uuid: coll.uuid }
        for (const index of coll.indexes.values()) yield { op: 'createIndex', ns: coll.ns, spec: index.spec }
        for (const entry of coll.docs.values()) yield { op: 'put', ns: coll.ns, raw: entry.raw }
      }
    }
  }
}

/** `listIndexes` entries of a collection, `_id_` first. */
export function indexSpecs (coll: Collection): Document[] {
  return [ID_INDEX_SPEC, ...[...coll.indexes.values()].map((i) => i.spec)]
}

/** Bytes a collection's documents take, for `dbStats`/`collStats`-style answers. */
export function dataSize (coll: Collection): number {
  let size = 0
  for (const entry of coll.docs.values()) size += entry.size
  return size
}
