// A login for an unknown user costs the same as one for a known user with a wrong password:
// measured over many interleaved attempts through the login form, compared as distributions
// (medians and the overlap of the middle halves), never against a fixed time.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createUser, type TaoApp } from '@tao/core'
import { createTestApp, TestClient } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

let app: TaoApp
let client: TestClient

before(async () => {
  // A production-like cost, so hashing dominates as it does in production; no throttle.
  app = await createTestApp({ root: fixture('auth-site'), settings: { auth: { scrypt: { cost: 16_384 }, throttle: { limit: 0 } } } })
  await createUser(app, { username: 'known', password: 'the right password 1' })
  client = new TestClient(app)
  await client.get('/accounts/login/')
})
after(() => app.close())

async function timed (username: string): Promise<number> {
  const start = process.hrtime.bigint()
  const res = await client.post('/accounts/login/', { username, password: 'a wrong password 2' })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  assert.equal(res.statusCode, 400)
  return ms
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

test('unknown user and wrong password: the same time within noise', async () => {
  const known: number[] = []
  const unknown: number[] = []
  await timed('known')
  await timed('nobody')
  // Interleaved, in alternating order, so drifts of a shared machine hit both alike.
  for (let i = 0; i < 30; i++) {
    if (i % 2 === 0) { known.push(await timed('known')); unknown.push(await timed(`nobody${i}`)) } else { unknown.push(await timed(`nobody${i}`)); known.push(await timed('known')) }
  }
  known.sort((a, b) => a - b)
  unknown.sort((a, b) => a - b)
  const [mk, mu] = [quantile(known, 0.5), quantile(unknown, 0.5)]
  const ratio = mu / mk
  const summary = `median known ${mk.toFixed(1)} ms, unknown ${mu.toFixed(1)} ms (ratio ${ratio.toFixed(2)})`
  // Without the dummy hash an unknown user answers in a small fraction of the time (ratio < 0.2).
  assert.ok(ratio > 0.5 && ratio < 2, summary)
  // The middle halves overlap: neither distribution sits wholly above the other.
  assert.ok(quantile(unknown, 0.25) <= quantile(known, 0.75) && quantile(known, 0.25) <= quantile(unknown, 0.75), summary)
  console.log(`# ${summary}`)
})
