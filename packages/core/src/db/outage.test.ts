import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoTopologyClosedError } from 'mongodb'
import { isTaoError } from '../errors/index.js'
import { isDatabaseUnavailableError, toUnavailableError } from './outage.js'

test('outage errors of the driver become TAO_ERR_DB_UNAVAILABLE (503) naming the host', () => {
  const outages = [
    new MongoNetworkError('connection 3 to 10.0.0.5:27017 closed'),
    new MongoNetworkTimeoutError('timed out'),
    new MongoTopologyClosedError(),
    Object.assign(new Error('x'), { name: 'MongoPoolClearedError' }),
    new Error('wrapped', { cause: new MongoNetworkError('reset') }),
  ]
  for (const err of outages) {
    assert.ok(isDatabaseUnavailableError(err), err.message)
    const mapped = toUnavailableError(err, 'db1:27017', (t) => t.replace('reset', '***'))
    assert.ok(isTaoError(mapped, 'TAO_ERR_DB_UNAVAILABLE'))
    assert.equal(mapped.statusCode, 503)
    assert.match(mapped.message, /^The database at db1:27017 is unavailable \(Mongo\w+Error: /)
    assert.doesNotMatch(mapped.message, /reset/)
    assert.equal(mapped.cause, err)
  }
})

test('operation errors and foreign socket errors are not outages', () => {
  const dup = new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 })
  assert.equal(isDatabaseUnavailableError(dup), false)
  assert.equal(toUnavailableError(dup, 'db'), null)
  assert.equal(isDatabaseUnavailableError(new Error('boom')), false)
  const foreign = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', stack: 'Error: socket hang up\n    at /app/node_modules/undici/lib/fetch.js:1:1' })
  assert.equal(isDatabaseUnavailableError(foreign), false)
  const fromDriver = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE', stack: 'Error: x\n    at Connection.writeCommand (/app/node_modules/mongodb/lib/cmap/connection.js:1:1)' })
  assert.equal(isDatabaseUnavailableError(fromDriver), true)
})
