// The cheapest server the official driver will talk to, for the floor of bench/db.mjs: it
// answers every message with a reply built once (hello for the handshake and monitoring, a
// one-document find batch for anything else), patching only responseTo. What the driver
// achieves against it is what the driver and the kernel cost on their own.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { BSON, ObjectId } from 'bson'
import { announce } from '../lib/serve.mjs'

const OP_MSG = 2013
const message = (doc) => {
  const body = BSON.serialize(doc)
  const msg = Buffer.alloc(21 + body.length)
  msg.writeInt32LE(msg.length, 0)
  msg.writeInt32LE(1, 4)
  msg.writeInt32LE(OP_MSG, 12)
  msg.set(body, 21)
  return msg
}
const helloDoc = {
  // No topologyVersion: with one, the driver's monitor would stream hello and expect each reply to wait.
  helloOk: true,
  isWritablePrimary: true,
  ismaster: true,
  maxBsonObjectSize: 16777216,
  maxMessageSizeBytes: 48000000,
  maxWriteBatchSize: 100000,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId: 1,
  minWireVersion: 0,
  maxWireVersion: 25,
  readOnly: false,
  ok: 1,
}
const hello = message(helloDoc)
// The driver's first handshake is a legacy OP_QUERY; it is answered with an OP_REPLY.
const legacyHello = (() => {
  const body = BSON.serialize(helloDoc)
  const msg = Buffer.alloc(36 + body.length)
  msg.writeInt32LE(msg.length, 0)
  msg.writeInt32LE(1, 4)
  msg.writeInt32LE(1 /* OP_REPLY */, 12)
  msg.writeInt32LE(1, 32) // numberReturned
  msg.set(body, 36)
  return msg
})()
const found = message({
  cursor: { firstBatch: [{ _id: new ObjectId(), text: 'note 1', n: 1 }], id: 0n, ns: 'bench.lookup' }, ok: 1,
})
// The first key of the body tells a handshake (hello, isMaster, ismaster) from the rest.
const isHello = (msg) => msg[26] === 0x68 /* h */ || msg[26] === 0x69 /* i */

const server = createServer((socket) => {
  socket.setNoDelay(true)
  let pending = Buffer.alloc(0)
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
      const length = pending.readInt32LE(0)
      const msg = pending.subarray(0, length)
      pending = pending.subarray(length)
      const reply = Buffer.from(msg.readInt32LE(12) !== OP_MSG ? legacyHello : isHello(msg) ? hello : found)
      reply.writeInt32LE(msg.readInt32LE(4), 8)
      socket.write(reply)
    }
  })
  socket.on('error', () => {})
})
// argv[3]: 'unix' listens on a unix socket in a temporary directory instead of TCP loopback.
if (process.argv[3] === 'unix') {
  const socketPath = join(mkdtempSync(join(tmpdir(), 'tao-bench-canned-')), 'mongodb.sock')
  process.on('exit', () => rmSync(dirname(socketPath), { recursive: true, force: true }))
  server.listen(socketPath, () => announce(`mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`))
} else {
  server.listen(0, '127.0.0.1', () => {
    announce(`mongodb://127.0.0.1:${server.address().port}/?directConnection=true`)
  })
}
process.on('SIGTERM', () => process.exit(0))
