import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hostAllowed, originHost } from './host-allowed.js'

test('hostAllowed matches exact names, .domain patterns and *, ignoring case and a trailing dot', () => {
  const hosts = ['example.com', '.tao.dev', 'LOCALHOST']
  assert.equal(hostAllowed('example.com', hosts, false), true)
  assert.equal(hostAllowed('EXAMPLE.com.', hosts, false), true)
  assert.equal(hostAllowed('www.example.com', hosts, false), false)
  assert.equal(hostAllowed('tao.dev', hosts, false), true)
  assert.equal(hostAllowed('a.b.tao.dev', hosts, false), true)
  assert.equal(hostAllowed('eviltao.dev', hosts, false), false)
  assert.equal(hostAllowed('tao.dev.evil.com', hosts, false), false)
  assert.equal(hostAllowed('localhost', hosts, false), true)
  assert.equal(hostAllowed('', hosts, false), false)
  assert.equal(hostAllowed('anything.at.all', ['*'], false), true)
})

test('an empty list allows nothing, except localhost names in debug', () => {
  assert.equal(hostAllowed('localhost', [], false), false)
  for (const host of ['localhost', 'app.localhost', '127.0.0.1', '[::1]']) assert.equal(hostAllowed(host, [], true), true, host)
  assert.equal(hostAllowed('example.com', [], true), false)
  // A non-empty list is used as is, in debug too.
  assert.equal(hostAllowed('localhost', ['example.com'], true), false)
})

test('originHost takes the host name of http(s) origins only', () => {
  assert.equal(originHost('https://A.example.com:8443'), 'a.example.com')
  assert.equal(originHost('http://[::1]:3000'), '[::1]')
  assert.equal(originHost('null'), null)
  assert.equal(originHost('file:///etc/passwd'), null)
  assert.equal(originHost('chrome-extension://abcdef'), null)
  assert.equal(originHost(''), null)
})
