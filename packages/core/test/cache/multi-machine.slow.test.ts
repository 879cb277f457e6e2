// The cache and rate limits across two tao machines (`tao start --workers 2` each) behind a real
// nginx, sharing a real redis-server (issue #18, point 4): a page computed on one machine is
// served from the cache by the other, and a rate limit counts requests on both. The harness is
// test/support/multi-machine.ts.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { fixture } from '../helpers/fixtures.js'
import { needsSite, startSite, type Machine, type Site } from '../support/multi-machine.js'

let site: Site | undefined

before(async () => { if (needsSite === false) site = await startSite({ root: fixture('multi-machine-cache'), machines: 2, workers: 2 }) }, { timeout: 120_000 })
after(async () => { await site?.stop() })

const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers })
  return { status: res.status, body: await res.text(), headers: res.headers }
}

test('a page computed on machine A is served from the cache on machine B (and through nginx), with its ETag', { skip: needsSite, timeout: 60_000 }, async () => {
  const [a, b] = site!.machines as [Machine, Machine]
  const computed = await get(`${a.address}/page?q=shared`)
  assert.equal(computed.status, 200)
  assert.match(computed.body, /^<p>computed by a \(pid \d+, #\d+\)<\/p>$/)
  const etag = computed.headers.get('etag')!
  // Every worker of B, and nginx's picks, answer A's page: 6 requests cover both workers.
  for (let i = 0; i < 6; i++) {
    const fromB = await get(`${b.address}/page?q=shared`)
    assert.equal(fromB.body, computed.body, 'machine B served the page machine A computed')
    assert.equal(fromB.headers.get('etag'), etag)
    const viaNginx = await get(`${site!.url}/page?q=shared`)
    assert.equal(viaNginx.body, computed.body)
  }
  const revalidated = await get(`${b.address}/page?q=shared`, { 'if-none-match': etag })
  assert.equal(revalidated.status, 304)
  assert.equal(revalidated.body, '')
  // Another URL is computed by whichever machine gets it first.
  const other = await get(`${b.address}/page?q=other`)
  assert.match(other.body, /^<p>computed by b /)
  assert.equal((await get(`${a.address}/page?q=other`)).body, other.body)
})

test('wrap() computes a value once for both machines', { skip: needsSite, timeout: 60_000 }, async () => {
  const [a, b] = site!.machines as [Machine, Machine]
  const first = JSON.parse((await get(`${a.address}/value?key=once`)).body)
  assert.equal(first.by, 'a')
  for (let i = 0; i < 4; i++) {
    const again = JSON.parse((await get(`${b.address}/value?key=once`)).body)
    assert.deepEqual(again, { by: 'a', pid: first.pid, servedBy: 'b' })
  }
})

test('a rate limit counts requests on both machines', { skip: needsSite, timeout: 60_000 }, async () => {
  const [a, b] = site!.machines as [Machine, Machine]
  // The machines trust the loopback proxy: X-Forwarded-For names the client (as nginx would).
  const client = { 'x-forwarded-for': '203.0.113.7' }
  const order = [a, b, a, b, a]
  for (const [i, m] of order.entries()) {
    const res = await get(`${m.address}/limited`, client)
    assert.equal(res.status, 200, `request ${i + 1} on ${m.name}`)
    assert.equal(JSON.parse(res.body).machine, m.name)
    assert.equal(res.headers.get('x-ratelimit-remaining'), String(4 - i))
  }
  // Neither machine saw more than 3 requests, yet both refuse the 6th and 7th: one count.
  for (const m of [b, a]) {
    const refused = await get(`${m.address}/limited`, { ...client, accept: 'application/json' })
    assert.equal(refused.status, 429, `refused on ${m.name}`)
    assert.equal(JSON.parse(refused.body).code, 'TAO_ERR_RATE_LIMITED')
    const retry = Number(refused.headers.get('retry-after'))
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`)
  }
  // Through nginx, another client counts apart, spread over both machines by nginx.
  const seen = new Set<string>()
  let answered = 0
  let refused = 0
  for (let i = 0; i < 8; i++) {
    const res = await get(`${site!.url}/limited`, { 'x-forwarded-for': '203.0.113.8' })
    if (res.status === 200) { answered++; seen.add(JSON.parse(res.body).machine) } else if (res.status === 429) refused++
  }
  assert.deepEqual({ answered, refused }, { answered: 5, refused: 3 })
  assert.deepEqual([...seen].sort(), ['a', 'b'], 'nginx spread the requests over both machines')
})
