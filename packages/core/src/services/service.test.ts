import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTaoError } from '../errors/index.js'
import { periodic } from './periodic.js'
import { isServiceDef, service } from './service.js'

function throwsService (fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isTaoError(err, 'TAO_ERR_SERVICE_INVALID'), String(err))
    assert.match(err.message, message)
    return true
  })
}

test('service() makes frozen plain data with normalized options', () => {
  const start = async () => {}
  const def = service('mailer', { start, stopTimeout: '3s', restart: { delay: '250ms', maxRestarts: 4 } })
  assert.ok(isServiceDef(def))
  assert.ok(Object.isFrozen(def))
  assert.equal(def.name, 'mailer')
  assert.equal(def.kind, 'service')
  assert.equal(def.start, start)
  assert.equal(def.once, false)
  assert.equal(def.stopTimeout, 3000)
  assert.equal(def.startTimeout, 30_000)
  assert.deepEqual(def.restart, { delay: 250, maxDelay: 30_000, maxRestarts: 4, resetAfter: 60_000 })
  assert.equal(service('x', { run: async () => {}, restart: false, once: true }).restart, false)
  assert.equal(isServiceDef({ ...def }), false, 'a copy is not a declaration')
})

test('service() rejects bad names and options with the reason', () => {
  throwsService(() => service('blog:mailer', { start () {} }), /service\("blog:mailer"\).*the app label is added for you/)
  throwsService(() => service('mailer', {}), /give it a start\(\) or a run\(\) function/)
  throwsService(() => service('mailer', { start: 'go' as never }), /start is string, not a function/)
  throwsService(() => service('mailer', { start () {}, once: 'yes' as never }), /once must be true or false/)
  throwsService(() => service('mailer', { start () {}, stopTimeout: 'soon' as never }), /stopTimeout: expected a duration/)
  throwsService(() => service('mailer', { start () {}, restart: 3 as never }), /restart must be an object/)
  throwsService(() => service('mailer', { start () {}, restart: { maxRestarts: -1 } }), /restart.maxRestarts/)
})

test('periodic() needs an interval of at least 10 ms and a function', () => {
  const def = periodic('tick', { every: '2s', once: true }, () => {})
  assert.equal(def.kind, 'periodic')
  assert.equal(def.every, 2000)
  assert.equal(def.once, true)
  assert.equal(typeof def.run, 'function')
  throwsService(() => periodic('tick', {} as never, () => {}), /every is required/)
  throwsService(() => periodic('tick', { every: 5 }, () => {}), /at least 10 milliseconds/)
  throwsService(() => periodic('tick', { every: 'often' as never }, () => {}), /every: expected a duration/)
  throwsService(() => periodic('tick', { every: 100 }, undefined as never), /not a function/)
})
