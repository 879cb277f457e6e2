import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTaoError } from '../errors/index.js'
import { buildHostMatcher, hostDomain } from './hosts.js'

function verdict (matcher: ReturnType<typeof buildHostMatcher>, host: string): string {
  try {
    matcher.check(host)
    return 'ok'
  } catch (err) {
    assert.ok(isTaoError(err))
    assert.equal(err.statusCode, 400)
    return err.code
  }
}

test('hostDomain: lowercased, no port, no trailing dot; null when malformed', () => {
  assert.equal(hostDomain('Example.COM:8080'), 'example.com')
  assert.equal(hostDomain('example.com.'), 'example.com')
  assert.equal(hostDomain('[::1]:8080'), '[::1]')
  assert.equal(hostDomain('[2001:DB8::1]'), '[2001:db8::1]')
  for (const bad of ['', ':80', 'a b', 'user@host', 'host/path', 'host#frag', 'host:port', '[::1', 'éxample.com', 'host:123456']) {
    assert.equal(hostDomain(bad), null, bad)
  }
})

test('exact names, subdomain patterns and IPv6 literals; ports ignored', () => {
  const m = buildHostMatcher(['example.com', '.example.org', '[::1]', '192.0.2.1'], false)
  const ok = ['example.com', 'EXAMPLE.com:443', 'example.com.', 'example.org', 'a.example.org', 'a.b.example.org:8080', '[::1]', '[::1]:8080', '192.0.2.1:80']
  for (const h of ok) assert.equal(verdict(m, h), 'ok', h)
  const refused = ['www.example.com', 'example.com.evil.net', 'notexample.org', 'evilexample.org', '[::2]', '192.0.2.2', 'localhost']
  for (const h of refused) assert.equal(verdict(m, h), 'TAO_ERR_HOST_NOT_ALLOWED', h)
  for (const h of ['example.com@evil.net', 'evil.net#.example.org', 'evil.net/.example.org', '']) {
    assert.equal(verdict(m, h), 'TAO_ERR_HOST_INVALID', h)
  }
})

test("'*' allows any well-formed host", () => {
  const m = buildHostMatcher(['*'], false)
  assert.equal(verdict(m, 'anything.example:1'), 'ok')
  assert.equal(verdict(m, 'bad host'), 'TAO_ERR_HOST_INVALID')
})

test('an empty list: localhost names in development, nothing in production', () => {
  const dev = buildHostMatcher([], true)
  for (const h of ['localhost', 'localhost:8080', 'app.localhost', '127.0.0.1:3000', '[::1]:3000']) assert.equal(verdict(dev, h), 'ok', h)
  assert.equal(verdict(dev, 'example.com'), 'TAO_ERR_HOST_NOT_ALLOWED')
  const prod = buildHostMatcher([], false)
  assert.equal(verdict(prod, 'localhost'), 'TAO_ERR_HOST_NOT_ALLOWED')
  assert.throws(() => prod.check('localhost'), /settings\.allowedHosts is empty, so no host is allowed outside debug mode/)
  // A list set in development is used as it is.
  assert.equal(verdict(buildHostMatcher(['example.com'], true), 'localhost'), 'TAO_ERR_HOST_NOT_ALLOWED')
})

test('allows() answers the same rule as a boolean, for Origin hosts', () => {
  const hosts = buildHostMatcher(['example.com', '.tao.dev', 'LOCALHOST'], false)
  assert.equal(hosts.allows('example.com'), true)
  assert.equal(hosts.allows('EXAMPLE.com.'), true)
  assert.equal(hosts.allows('www.example.com'), false)
  assert.equal(hosts.allows('a.b.tao.dev'), true)
  assert.equal(hosts.allows('eviltao.dev'), false)
  assert.equal(hosts.allows('tao.dev.evil.com'), false)
  assert.equal(hosts.allows('localhost'), true)
  assert.equal(hosts.allows(''), false)
  assert.equal(buildHostMatcher(['*'], false).allows('anything.at.all'), true)
  assert.equal(buildHostMatcher([], false).allows('localhost'), false)
  assert.equal(buildHostMatcher([], true).allows('app.localhost'), true)
})
