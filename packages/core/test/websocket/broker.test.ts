import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { test } from 'node:test'
import { isTaoError, type ChannelPayload, type ChannelTransport } from '@tao/core'
import { fixtureApp } from '../kernel/helpers.js'
import { connect } from './helpers.js'

/** A stand-in for a shared broker (Redis pub/sub, say): every connection hears every publish. */
function brokerConnection (broker: EventEmitter): ChannelTransport {
  let handler: ((group: string, payload: ChannelPayload) => void) | undefined
  const listen = (group: string, payload: ChannelPayload): void => handler?.(group, payload)
  broker.on('publish', listen)
  return {
    publish: async (group, payload) => { await Promise.resolve(); broker.emit('publish', group, payload) },
    subscribe: (fn) => { handler = fn },
    close: () => { broker.off('publish', listen) },
  }
}

test('a transport from settings carries channels between two apps, as a broker would between hosts', async (t) => {
  const broker = new EventEmitter()
  const settings = { websocket: { transport: () => brokerConnection(broker) } }
  const [one, two] = await Promise.all([fixtureApp('ws-chat', { settings }), fixtureApp('ws-chat', { settings })])
  t.after(() => Promise.all([one.close(), two.close()]))
  const [a, b] = await Promise.all([one, two].map(async (app) => {
    const base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')
    const client = await connect(`${base}/chat/room/shared`)
    await client.next()
    return client
  }))
  one.channels.publish('room:shared', 'from one')
  two.channels.publish('room:shared', Buffer.from('from two'))
  assert.deepEqual([await a!.next(), await a!.next()], ['from one', 'from two'])
  assert.deepEqual([await b!.next(), await b!.next()], ['from one', 'from two'])
  await one.close()
  assert.equal(broker.listenerCount('publish'), 1, 'closing an app closes its transport')
  a!.ws.terminate()
  b!.ws.terminate()
})

test('a transport factory that returns no transport stops the start with a coded error', async () => {
  await assert.rejects(
    fixtureApp('ws-chat', { settings: { websocket: { transport: (() => ({ publish () {} })) as never } } }),
    (err: unknown) => isTaoError(err, 'TAO_ERR_WS_TRANSPORT_INVALID') && /without subscribe, close/.test(err.message)
  )
  await assert.rejects(
    fixtureApp('ws-chat', { settings: { websocket: { transport: 'carrier-pigeon' as never } } }),
    (err: unknown) => isTaoError(err, 'TAO_ERR_SETTINGS_INVALID') && /websocket\.transport: expected 'auto', 'memory', 'cluster', 'redis', or a function/.test(err.message)
  )
})
