import { MongoClient, type Db, type MongoClientOptions } from 'mongodb'
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/index.js'

/** A database for one contract suite, on real MongoDB or on the embedded store. */
export interface ContractDb {
  client: MongoClient
  db: Db
  /** Set when the suite runs on the embedded store. */
  embedded: EmbeddedMongo | undefined
  close: () => Promise<void>
}

/**
 * Connects to `TAO_TEST_MONGODB_URL` when set (a real MongoDB, to check the suite itself),
 * otherwise starts the embedded store in memory. Each suite gets its own database, dropped at the end.
 */
export async function openContractDb (suite: string, options: MongoClientOptions = {}): Promise<ContractDb> {
  const url = process.env.TAO_TEST_MONGODB_URL
  const embedded = url === undefined || url === '' ? await startEmbeddedMongo() : undefined
  const client = new MongoClient(embedded?.uri ?? (url as string), options)
  await client.connect()
  const db = client.db(`tao_contract_${suite}_${process.pid}_${Date.now().toString(36)}`)
  return {
    client,
    db,
    embedded,
    close: async () => {
      await db.dropDatabase()
      await client.close()
      await embedded?.close()
    },
  }
}
