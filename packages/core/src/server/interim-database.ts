import { MongoClient } from 'mongodb'
import type { Settings } from '../settings/index.js'
import type { DatabaseProvider } from './providers.js'

/**
 * A minimal database provider from settings.database.url: one MongoClient per process.
 * Interim: the database concern replaces this with its own provider (embedded store when no
 * URL, checks, req.db) through `TaoApp.provideDatabase()`.
 */
export async function connectDatabaseUrl (settings: Settings): Promise<DatabaseProvider | null> {
  const url = settings.database.url
  if (!url) return null
  const client = new MongoClient(url, {
    maxPoolSize: settings.database.maxPoolSize,
    serverSelectionTimeoutMS: settings.database.serverSelectionTimeoutMS,
  })
  await client.connect()
  const db = client.db(settings.database.name)
  return {
    db,
    ping: async () => { await db.command({ ping: 1 }) },
    close: () => client.close(),
  }
}
