import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describeHosts, isLocalHost, redactUrl, scrubSecrets } from './url.js'

test('describeHosts names the hosts, never the credentials', () => {
  assert.equal(describeHosts('mongodb://127.0.0.1:27017/?directConnection=true'), '127.0.0.1:27017')
  assert.equal(describeHosts('mongodb://admin:s3cret@db1:27017,db2:27018/app?replicaSet=rs0'), 'db1:27017,db2:27018')
  assert.equal(describeHosts('mongodb+srv://u:p@cluster0.example.net/app'), 'cluster0.example.net')
  // An unescaped '/' or '@' in the password must not leak into the host.
  assert.equal(describeHosts('mongodb://u:pa/ss@w@rd@db:27017/app'), 'db:27017')
  assert.equal(describeHosts('postgres://u:p@db'), '(the host in the database URL)')
  // A unix socket (the embedded store of a primary) by its path.
  assert.equal(describeHosts('mongodb://%2Ftmp%2Ftao-db-x1%2Fmongodb.sock/?directConnection=true'), '/tmp/tao-db-x1/mongodb.sock')
})

test('isLocalHost: loopback addresses and names, and unix sockets', () => {
  for (const host of ['127.0.0.1:27017', 'localhost', '[::1]:27017', '%2Ftmp%2Ftao-db-x1%2Fmongodb.sock']) assert.ok(isLocalHost(host), host)
  for (const host of ['db.example.com:27017', '10.0.0.9', '%2Ftmp%2Fsocket-without-suffix']) assert.ok(!isLocalHost(host), host)
})

test('redactUrl hides the password and secret query values', () => {
  assert.equal(redactUrl('mongodb://admin:s3cret@db:27017/app?tls=true&tlsCertificateKeyFilePassword=xyz'),
    'mongodb://admin:***@db:27017/app?tls=true&tlsCertificateKeyFilePassword=***')
  assert.equal(redactUrl('mongodb://db:27017'), 'mongodb://db:27017')
  assert.equal(redactUrl('mongodb://user@db'), 'mongodb://user@db')
  assert.equal(redactUrl('mongo://admin:s3cret@db'), '(not a mongodb:// URL)')
})

test('scrubSecrets removes the raw and decoded password from a message', () => {
  const url = 'mongodb://admin:p%40ss@db'
  assert.equal(scrubSecrets('auth failed for p@ss and p%40ss', url), 'auth failed for *** and ***')
  assert.equal(scrubSecrets('nothing to hide', 'mongodb://db'), 'nothing to hide')
})
