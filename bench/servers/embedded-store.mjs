// The embedded store alone in its own process, as a mongod would be: argv[2] is the data
// directory ('' for memory). Announces its URI and answers 'cpu' like the HTTP bench servers.
import { startEmbeddedMongo } from '@tao/embedded-mongo'
import { announce } from '../lib/serve.mjs'

const dir = process.argv[2] || undefined
const store = await startEmbeddedMongo({ dir })
announce(store.uri)
process.on('SIGTERM', () => { store.close().then(() => process.exit(0)) })
