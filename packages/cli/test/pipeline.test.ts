// The showcase's pipeline end to end (issue 18, point 7): three `tao start` processes, each a
// tao site, streaming over websockets on 127.0.0.1: the showcase's clock service ticks; the pin
// machine holds a client to the clock socket and toggles; the buzzer machine holds a client to
// the pin socket and sounds on each flip; the showcase watches both and relays to its page. The
// pin process is killed and restarted: the others reconnect by themselves and the flow resumes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { WebSocket } from 'ws'
import { until } from './helpers.js'
import { startPipeline } from './pipeline-helpers.js'

interface Report { source?: string, link?: string, level?: string, clock?: string, buzzes?: number, now?: string }

test('clock → pin → buzzer run as three processes over websockets; the page sees all three, and a restarted pin is picked up again', async (t) => {
  const pipeline = await startPipeline()
  t.after(() => { for (const s of pipeline.all) s.child.kill('SIGKILL') })
  const { site, buzzer } = pipeline
  let pin = pipeline.pin

  const page = await fetch(`${site.address}/pipeline/`)
  assert.equal(page.status, 200)
  assert.match(await page.text(), /<section class="machine" id="buzzer"/)

  const seen: Report[] = []
  const ws = new WebSocket(`${site.address.replace(/^http/, 'ws')}/pipeline/socket`)
  ws.on('message', (data) => seen.push(JSON.parse(String(data)) as Report))
  t.after(() => ws.terminate())
  const after = (i: number) => seen.slice(i)
  const link = (from: number, source: string, state: string) => after(from).some((r) => r.source === source && r.link === state)

  // 1. Every stage reports, and each toggle of the pin answers a tick of this site's clock.
  await until(async () => link(0, 'pin', 'up') && link(0, 'buzzer', 'up') &&
    after(0).filter((r) => r.source === 'buzzer' && r.buzzes !== undefined && r.link === undefined).length >= 2, 30_000, 'pin and buzzer up, two buzzes')
  const ticks = seen.filter((r) => r.now).map((r) => r.now!)
  // A flip relayed just after this socket joined may answer a tick published just before.
  const flips = seen.filter((r) => r.source === 'pin' && r.level && r.link === undefined && r.clock! >= ticks[0]!)
  assert.ok(flips.length >= 2, JSON.stringify(seen))
  for (let i = 1; i < flips.length; i++) assert.notEqual(flips[i]!.level, flips[i - 1]!.level, 'the pin toggles on each tick')
  assert.ok(flips.every((f) => ticks.includes(f.clock!)), 'every toggle carries a tick the clock published')

  // 2. The pin machine dies: the page shows it down; restarted, it is up again and buzzes resume.
  const mark = seen.length
  pin.child.kill('SIGKILL')
  await pin.exited
  await until(async () => link(mark, 'pin', 'down'), 15_000, 'the pin shown down')
  pin = await pipeline.restartPin()
  const back = seen.length
  await until(async () => link(back, 'pin', 'up') &&
    after(back).some((r) => r.source === 'buzzer' && typeof r.buzzes === 'number' && r.link === undefined), 30_000, 'the pin up again and a new buzz')

  // 3. SIGTERM: each process stops its services (and their websocket clients) and exits 0.
  const exits = [site, pin, buzzer].map(async (s) => { s.child.kill('SIGTERM'); return s.exited })
  assert.deepEqual(await Promise.all(exits), [0, 0, 0])
})
