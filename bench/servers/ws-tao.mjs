// tao: a ws() route whose handler joins the channel 'all'; a broadcast is one publish.
import { fileURLToPath } from 'node:url'
import { createApp } from '@tao/core'
import { control } from './ws-control.mjs'

const app = await createApp({ root: fileURLToPath(new URL('../fixtures/ws', import.meta.url)) })
control(await app.listen({ port: 0, host: '127.0.0.1' }), (payload) => app.channels.publish('all', payload))
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
