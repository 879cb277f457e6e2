// Issue 19 point 4: a page reading one document by _id through req.db (embedded store in
// memory) against the same page with no read, both served by bench/servers/db-page-tao.mjs.
// Goal: at least 0.8x the requests/s. `node --import tsx bench/db-page.mjs` runs it alone.
import { fileURLToPath } from 'node:url'
import { throughputScenario } from '../lib/scenario.mjs'
import { NOTE_ID } from '../fixtures/db-page/apps/notes/routes.js'

const module = fileURLToPath(new URL('../servers/db-page-tao.mjs', import.meta.url))
const expected = Buffer.from('<h1>hello from the database</h1>')

export const scenario = throughputScenario({
  title: 'a page reading one document by _id (req.db, embedded store) / the same page with no read',
  goal: { op: '>=', ratio: 0.8 },
  connections: 10,
  check: (body) => body.includes(expected),
  servers: async () => ({
    'reads one document': { module, path: `/page/${NOTE_ID}` },
    'no read': { module, path: `/page-no-read/${NOTE_ID}` },
  }),
})
