import assert from 'node:assert/strict'
import { test } from 'node:test'
import { originHost } from './origin.js'

test('originHost takes the host name of http(s) origins only', () => {
  assert.equal(originHost('https://A.example.com:8443'), 'a.example.com')
  assert.equal(originHost('http://[::1]:3000'), '[::1]')
  assert.equal(originHost('null'), null)
  assert.equal(originHost('file:///etc/passwd'), null)
  assert.equal(originHost('chrome-extension://abcdef'), null)
  assert.equal(originHost(''), null)
})
