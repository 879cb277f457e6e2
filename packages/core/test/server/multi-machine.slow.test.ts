// Two tao machines (`tao start --workers 2` each) behind a real nginx, sharing a real
// redis-server and one database (issue #18, point 4): channels, sessions, `once` services and
// a SIGTERM under load, all across machines. The harness is test/support/multi-machine.ts.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { describeAccounting, honestLoad } from '../process/honest-load.js'
import { get } from '../process/helpers.js'
import { needsSite, startSite, type Machine, type Site } from '../support/multi-machine.js'
import { connect, type Client } from '../websocket/helpers.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
let site: Site | undefined

before(async () => { if (needsSite === false) site = await startSite({ machines: 2, workers: 2 }) }, { timeout: 120_000 })
after(async () => { await site?.stop() })

/** Whether a message matching `re` arrives within `ms` (reads `received`; takes nothing from next()). */
async function arrives (client: Client, re: RegExp, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (client.received.some((m) => re.test(m))) return true
    await sleep(25)
  }
  return false
}

async function post (address: string, path: string, body: string): Promise<{ status: number, body: string }> {
  const res = await fetch(`${address}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })
  return { status: res.status, body: await res.text() }
}

test('a websocket through nginx receives what a request served by the other machine publishes, once', { skip: needsSite, timeout: 60_000 }, async () => {
  const s = site!
  const client = await connect(`${s.wsUrl}/room/lobby`)
  const { machine } = JSON.parse(await client.next()) as { machine: string }
  const other = s.machines.find((m) => m.name !== machine)!
  // Redis subscriptions are made when each worker is ready: send until one arrives (bounded).
  let got = false
  for (let i = 0; i < 20 && !got; i++) {
    const res = await post(other.address, '/publish/lobby', `probe ${i}`)
    assert.equal(JSON.parse(res.body).machine, other.name)
    got = await arrives(client, /"text":"probe \d+"/, 500)
  }
  assert.ok(got, 'the subscription works')
  await sleep(600)
  await post(other.address, '/publish/lobby', 'hello from the other machine')
  assert.ok(await arrives(client, /hello from the other machine/, 10_000), 'the message from the other machine')
  await sleep(300)
  const hello = client.received.filter((m) => m.includes('hello from the other machine'))
  assert.deepEqual(hello.map((m) => JSON.parse(m)), [{ from: other.name, text: 'hello from the other machine' }], 'delivered once')
  client.ws.terminate()
})

test('a session made on one machine is valid on the other', { skip: needsSite }, async () => {
  const [a, b] = site!.machines as [Machine, Machine]
  const login = await get(a.address, '/login/ann')
  assert.equal(JSON.parse(login.body).machine, 'a')
  const cookie = String(login.headers['set-cookie']).split(';')[0]!
  const who = await get(b.address, '/whoami', { headers: { cookie } })
  assert.deepEqual(JSON.parse(who.body), { user: 'ann', machine: 'b' })
})

test('a once service runs on exactly one machine, and moves to the other when that machine stops', { skip: needsSite, timeout: 120_000 }, async () => {
  const s = site!
  const running = () => s.events().filter((e) => e.event === 'running')
  const deadline = Date.now() + 20_000
  while (running().length === 0 && Date.now() < deadline) await sleep(100)
  // Past several lease periods (1.5 s), still one holder on the whole site.
  await sleep(4_000)
  assert.equal(running().length, 1, JSON.stringify(s.events()))
  const holder = s.machines.find((m) => m.name === running()[0]!.machine)!
  const other = s.machines.find((m) => m !== holder)!
  assert.equal(await holder.stop(), 0, holder.output())
  const moved = Date.now() + 20_000
  while (running().length < 2 && Date.now() < moved) await sleep(100)
  assert.equal(running().length, 2, `the service moved: ${JSON.stringify(s.events())}`)
  assert.equal(running()[1]!.machine, other.name)
  assert.ok(s.events().some((e) => e.event === 'stopped' && e.machine === holder.name), 'it stopped on the machine that left')
  await holder.start()
  await sleep(3_000)
  assert.equal(running().length, 2, 'the machine back stands by')
})

test('a Redis outage costs no crash: requests still answer, and channels recover without a restart', { skip: needsSite, timeout: 90_000 }, async () => {
  const s = site!
  const client = await connect(`${s.wsUrl}/room/outage`)
  const { machine } = JSON.parse(await client.next()) as { machine: string }
  const other = s.machines.find((m) => m.name !== machine)!
  await s.redis.kill()
  // Publishing during the outage answers 200 (the message reaches that machine's own sockets only).
  for (let i = 0; i < 5; i++) assert.equal((await post(other.address, '/publish/outage', `during ${i}`)).status, 200)
  assert.equal((await get(s.url, '/')).status, 200)
  await sleep(500)
  await s.redis.restart()
  let got = false
  for (let i = 0; i < 40 && !got; i++) {
    await post(other.address, '/publish/outage', `after ${i}`)
    got = await arrives(client, /"text":"after \d+"/, 500)
  }
  assert.ok(got, 'channels work again across machines')
  for (const m of s.machines) assert.notEqual(m.proc, null, `machine ${m.name} still runs`)
  for (const m of s.machines) assert.equal(m.proc!.child.exitCode, null, m.output())
  client.ws.terminate()
})

test('SIGTERM to one machine under load through nginx loses no request', { skip: needsSite, timeout: 120_000 }, async (t) => {
  const s = site!
  const a = s.machines[0]!
  let code: number | null = -1
  const r = await honestLoad({ address: s.url, path: '/', connections: 16, maxSeconds: 40, awaitAnswers: true }, async () => {
    await sleep(1_500)
    code = await a.stop('SIGTERM')
    await sleep(1_000)
  })
  t.diagnostic(describeAccounting('SIGTERM to machine a behind nginx', r))
  assert.equal(code, 0, a.output())
  assert.ok(r.answered > 100, `the load ran (${r.answered} answered)`)
  assert.equal(r.lost, 0, JSON.stringify(r))
  assert.equal(r.refused, 0, JSON.stringify(r))
  assert.deepEqual(Object.keys(r.byStatus), ['200'], `${JSON.stringify(r.byStatus)}\n${s.nginxLog()}`)
  await a.start()
})
