// An answered request must become garbage at once. Something per request kept until a timer
// fires (the handler deadline's sweep, a database deadline's slot) outlives two scavenges and
// is promoted: under load the old generation grew by 150 MB between mark-compacts and the
// hello route spent more CPU in the collector than in tao. Each test keeps a WeakRef to the
// requests it made, collects, and expects none left.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { TaoApp } from '@tao/core'
import { projectApp, tempProject } from '../support/project.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const project = tempProject(null, {
  'settings.ts': `import { defineSettings } from '@tao/core'
export default defineSettings({ allowedHosts: ['127.0.0.1'], secretKey: 'a'.repeat(64) })
`,
  'apps/site/routes.ts': `import { route } from '@tao/core'
export const prefix = ''
const seen = (globalThis as { taoRetention?: WeakRef<object>[] }).taoRetention ??= []
export default [
  route('GET', '/hello', async (req) => { seen.push(new WeakRef(req)); return { ok: true } }),
  route('GET', '/read', async (req) => {
    seen.push(new WeakRef(req))
    const notes = req.db.collection('notes')
    seen.push(new WeakRef((await notes.findOne({ n: 1 }))!))
    seen.push(new WeakRef(await notes.find({ n: { $gte: 1 } }).toArray()))
    return { ok: true }
  }),
]
`,
})
const seen = ((globalThis as { taoRetention?: Array<WeakRef<object>> }).taoRetention ??= [])
let app: TaoApp
let base: string

before(async () => {
  // The default deadlines: 30 s for handlers (a sweep each second), 4 s for the database.
  app = await projectApp(project.root)
  base = await app.listen({ port: 0, host: '127.0.0.1' })
  await app.db.collection('notes').insertMany([{ n: 1 }, { n: 2 }])
})
after(async () => {
  await app?.close()
  project.cleanup()
})

/** How many of what `path`'s handler kept a WeakRef to (`per` each) are still alive. */
async function leftAfter (path: string, per: number): Promise<number> {
  seen.length = 0
  for (let i = 0; i < 20; i++) {
    const res = await fetch(base + path)
    assert.equal(res.status, 200)
    await res.arrayBuffer()
  }
  assert.equal(seen.length, 20 * per)
  // WeakRef targets are held to the end of the job that made them: collect from a later one.
  await new Promise((resolve) => setTimeout(resolve, 20))
  gc()
  await new Promise((resolve) => setImmediate(resolve))
  gc()
  return seen.filter((ref) => ref.deref() !== undefined).length
}

test('an answered request is garbage at once: the handler deadline forgets it when answered', async () => {
  assert.equal(await leftAfter('/hello', 1), 0)
})

test('a request\'s database results are garbage once answered: the database deadline lets go of them', async () => {
  assert.equal(await leftAfter('/read', 3), 0)
})
