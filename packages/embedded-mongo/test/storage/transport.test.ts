import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { MongoClient } from 'mongodb'
import { EmbeddedMongoError, startEmbeddedMongo, type EmbeddedMongo } from '../../src/index.js'

/** Inserts and finds one document through the official driver at the store's URI. */
async function roundTrip (server: EmbeddedMongo): Promise<void> {
  const client = await new MongoClient(server.uri, { serverSelectionTimeoutMS: 2000 }).connect()
  try {
    const coll = client.db('transport').collection('notes')
    const { insertedId } = await coll.insertOne({ text: 'over the socket' })
    assert.equal((await coll.findOne({ _id: insertedId }))?.text, 'over the socket')
  } finally {
    await client.close()
  }
}

const unixSockets = process.platform !== 'win32'

describe('transport: TCP loopback or a unix domain socket', () => {
  it("listens on TCP loopback by default, and with transport 'auto' when a port is given", async () => {
    for (const options of [{}, { transport: 'auto' as const, port: 0 }]) {
      const server = await startEmbeddedMongo(options)
      try {
        assert.equal(server.socketPath, undefined)
        assert.match(server.uri, /^mongodb:\/\/127\.0\.0\.1:\d+\/\?directConnection=true$/)
        assert.equal(server.address, `127.0.0.1:${server.port}`)
        await roundTrip(server)
      } finally {
        await server.close()
      }
    }
  })

  it("listens with transport 'unix' on a socket in a private directory, removed at close", { skip: !unixSockets }, async () => {
    const server = await startEmbeddedMongo({ transport: 'unix' })
    const path = server.socketPath!
    try {
      assert.ok(path.startsWith(tmpdir()), path)
      assert.equal(server.uri, `mongodb://${encodeURIComponent(path)}/?directConnection=true`)
      assert.equal(server.address, path)
      assert.equal(server.port, 0)
      assert.ok(statSync(path).isSocket())
      assert.equal(statSync(dirname(path)).mode & 0o777, 0o700, 'only this user can reach the socket')
      await roundTrip(server)
    } finally {
      await server.close()
    }
    assert.equal(existsSync(dirname(path)), false)
    // Nothing listens there any more.
    await assert.rejects(new Promise((resolve, reject) => connect(path).once('connect', resolve).once('error', reject)))
  })

  it('removes the socket directory when the process exits without closing the store', { skip: !unixSockets }, () => {
    const script = `import { startEmbeddedMongo } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)}
const server = await startEmbeddedMongo({ transport: 'unix' })
console.log(server.socketPath)
process.exit(0)`
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 })
    const path = run.stdout.trim()
    assert.ok(path.endsWith('mongodb.sock'), run.stdout + run.stderr)
    assert.equal(existsSync(dirname(path)), false)
  })

  it("a killed process's socket directory is removed by the next store that starts, a live process's is not", { skip: !unixSockets }, async () => {
    const script = `import { startEmbeddedMongo } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)}
const server = await startEmbeddedMongo({ transport: 'unix' })
console.log(server.socketPath)
process.kill(process.pid, 'SIGKILL')`
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 })
    assert.equal(run.signal, 'SIGKILL', run.stderr)
    const killed = dirname(run.stdout.trim())
    assert.ok(existsSync(killed), 'a killed process leaves its directory')
    // Another process's, still running (this test's parent): not touched.
    const live = join(tmpdir(), `tao-db-${process.ppid}-Live01`)
    mkdirSync(live, { mode: 0o700 })
    // A dead process id whose socket still answers (a store of another pid namespace): not touched.
    const answering = join(tmpdir(), `tao-db-${run.pid}-Lstn01`)
    mkdirSync(answering, { mode: 0o700 })
    const other = createServer().listen(join(answering, 'mongodb.sock'))
    await once(other, 'listening')
    try {
      const server = await startEmbeddedMongo({ transport: 'unix' })
      await server.close()
      assert.equal(existsSync(killed), false, 'the next store removed it')
      assert.ok(existsSync(live))
      assert.ok(existsSync(answering))
    } finally {
      other.close()
      for (const dir of [live, answering, killed]) rmSync(dir, { recursive: true, force: true })
    }
  })

  it("'auto' is a unix socket where the platform has them", async () => {
    const server = await startEmbeddedMongo({ transport: 'auto' })
    try {
      assert.equal(server.socketPath !== undefined, unixSockets)
      await roundTrip(server)
    } finally {
      await server.close()
    }
  })

  it('refuses an unknown transport, and a unix socket with a host or port', async () => {
    const refused = async (options: object, message: RegExp): Promise<void> => {
      await assert.rejects(startEmbeddedMongo(options), (err: EmbeddedMongoError) => {
        assert.ok(err instanceof EmbeddedMongoError)
        assert.equal(err.code, 'TAO_ERR_EMBEDDED_OPTIONS')
        assert.match(err.message, message)
        return true
      })
    }
    await refused({ transport: 'udp' }, /transport must be 'tcp', 'unix' or 'auto', but "udp" was given/)
    if (unixSockets) await refused({ transport: 'unix', port: 27017 }, /cannot use transport 'unix' with a host or port\. Use transport 'tcp', or omit host and port\./)
  })
})
