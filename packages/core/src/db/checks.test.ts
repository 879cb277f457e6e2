import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildSettings } from '../settings/load.js'
import { checkDatabase, W001, W002 } from './checks.js'

const settings = (raw: Record<string, unknown>) => buildSettings(raw, { root: '/site', file: '(test)', env: {} })

test('database.W001: an in-memory database in production', () => {
  assert.deepEqual(checkDatabase(settings({ database: { url: 'memory' } })), [W001])
  assert.deepEqual(checkDatabase(settings({ debug: true, database: { url: 'memory' } })), [])
  assert.deepEqual(checkDatabase(settings({})), [])
})

test('database.W002: a password sent to a remote host without TLS', () => {
  assert.deepEqual(checkDatabase(settings({ database: { url: 'mongodb://app:pw@db.example.com:27017/site' } })), [W002])
  assert.deepEqual(checkDatabase(settings({ database: { url: 'mongodb://app:pw@db.example.com/site?tls=true' } })), [])
  assert.deepEqual(checkDatabase(settings({ database: { url: 'mongodb+srv://app:pw@cluster.example.net/site' } })), [])
  assert.deepEqual(checkDatabase(settings({ database: { url: 'mongodb://app:pw@127.0.0.1:27017/site' } })), [])
  assert.deepEqual(checkDatabase(settings({ database: { url: 'mongodb://db.example.com/site' } })), [])
})

test('checks can be silenced by id', () => {
  assert.deepEqual(checkDatabase(settings({ database: { url: 'memory' }, checks: { silence: ['database.W001'] } })), [])
})
