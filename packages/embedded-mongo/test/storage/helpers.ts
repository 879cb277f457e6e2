import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MongoClient } from 'mongodb'
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/index.js'

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir (): Promise<{ dir: string, cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tao-embedded-'))
  return { dir, cleanup: async () => { await rm(dir, { recursive: true, force: true }) } }
}

/** Starts a durable store on `dir` and connects the official driver to it. */
export async function openStore (dir: string): Promise<{ server: EmbeddedMongo, client: MongoClient, close: () => Promise<void> }> {
  const server = await startEmbeddedMongo({ dir })
  const client = await new MongoClient(server.uri).connect()
  return {
    server,
    client,
    close: async () => {
      await client.close()
      await server.close()
    },
  }
}
