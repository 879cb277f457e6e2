import assert from 'node:assert/strict'
import { test } from 'node:test'
import { reconnectDelay } from './client.js'
import { describeRedis, parseRedisUrl, redisUrlProblem } from './url.js'

test('Redis URLs: TCP, TLS, unix sockets, credentials and database', () => {
  assert.deepEqual(parseRedisUrl('redis://127.0.0.1'), { host: '127.0.0.1', port: 6379 })
  assert.deepEqual(parseRedisUrl('rediss://u:p%40ss@cache.example.net:6380/2'), { username: 'u', password: 'p@ss', host: 'cache.example.net', port: 6380, db: 2, tls: {} })
  assert.deepEqual(parseRedisUrl('redis://[::1]:7000'), { host: '::1', port: 7000 })
  assert.deepEqual(parseRedisUrl('unix:///run/redis/redis.sock'), { path: '/run/redis/redis.sock' })
  for (const bad of ['localhost:6379', 'http://x', 'redis://', 'redis://h/db', 'unix://', 'mongodb://h']) {
    assert.equal(parseRedisUrl(bad), null, bad)
    assert.match(redisUrlProblem(bad)!, /a Redis URL such as 'redis:\/\/127\.0\.0\.1:6379'/)
  }
})

test('messages name where Redis is, never its password', () => {
  assert.equal(describeRedis('redis://user:secret@10.0.0.5:6379/1'), '10.0.0.5:6379')
  assert.equal(describeRedis('redis://[::1]:7000'), '[::1]:7000')
  assert.equal(describeRedis('unix:///tmp/r.sock'), '/tmp/r.sock')
})

test('reconnection backs off exponentially with jitter, capped at 2 s', () => {
  for (let attempt = 1; attempt < 40; attempt++) {
    const base = Math.min(2000, 50 * 2 ** Math.min(attempt, 10))
    const d = reconnectDelay(attempt)
    assert.ok(d >= base / 2 && d <= base, `attempt ${attempt}: ${d}`)
  }
})
