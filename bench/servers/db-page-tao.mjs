// A tao page reading one document by _id through req.db (embedded store in memory, in this
// process as `tao start` runs it), and the same page with no read: bench/db-page.mjs.
import { fileURLToPath } from 'node:url'
import { createApp, ObjectId } from '@tao/core'
import { announce } from '../lib/serve.mjs'
import { NOTE_ID } from '../fixtures/db-page/apps/notes/routes.js'

const app = await createApp({ root: fileURLToPath(new URL('../fixtures/db-page', import.meta.url)) })
await app.ready()
await app.db.collection('notes').insertOne({ _id: new ObjectId(NOTE_ID), text: 'hello from the database' })
announce(await app.listen({ port: 0, host: '127.0.0.1' }))
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
