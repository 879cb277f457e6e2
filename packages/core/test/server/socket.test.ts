// Listening on a unix socket: stale files removed, live ones and non-sockets refused, mode set.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { isTaoError } from '@tao/core'
import { fixture, get, runTao, startTao, tempDir } from '../process/helpers.js'
import { processApp } from './helpers.js'

const tmp = tempDir('tao-sock-')
after(tmp.cleanup)

/** Leaves a socket file behind, as a server killed with SIGKILL does. */
function staleSocket (path: string): void {
  const r = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`])
  assert.equal(r.signal, 'SIGKILL')
  assert.ok(statSync(path).isSocket())
}

test('a stale socket file is removed and the app listens there with the given mode', async (t) => {
  const path = join(tmp.dir, 'run', 'stale.sock')
  spawnSync('mkdir', ['-p', join(tmp.dir, 'run')])
  staleSocket(path)
  const app = await processApp()
  t.after(() => app.close())
  assert.equal(await app.listen({ socket: path, socketMode: 0o660 }), path)
  assert.equal(statSync(path).mode & 0o777, 0o660)
  const res = await get(path, '/')
  assert.equal(res.status, 200)
  assert.equal(res.body, 'ok')
  await app.close()
  assert.equal(existsSync(path), false, 'the socket file is removed at close')
})

test('a socket a live server answers on is refused with a clear error', async (t) => {
  const path = join(tmp.dir, 'live.sock')
  const other = createServer().listen(path)
  await new Promise((resolve) => other.once('listening', resolve))
  t.after(() => other.close())
  const app = await processApp()
  t.after(() => app.close())
  await assert.rejects(app.listen({ socket: path }), (err: unknown) => {
    assert.ok(isTaoError(err, 'TAO_ERR_SERVER_SOCKET_IN_USE'))
    assert.equal(err.message, `The unix socket ${path} is in use: another server answers on it. Stop that server first, or listen on another path with --socket or settings.server.socket.`)
    return true
  })
})

test('a path that is no socket is never removed', async (t) => {
  const path = join(tmp.dir, 'notes.txt')
  writeFileSync(path, 'keep me')
  const app = await processApp()
  t.after(() => app.close())
  await assert.rejects(app.listen({ socket: path }), (err: unknown) => isTaoError(err, 'TAO_ERR_SERVER_SOCKET_NOT_SOCKET') && err.message.startsWith(`${path} exists and is not a unix socket`))
  assert.equal(readFileSync(path, 'utf8'), 'keep me')
})

test('a port in use is refused with a clear error', async (t) => {
  const other = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => other.once('listening', resolve))
  t.after(() => other.close())
  const port = (other.address() as { port: number }).port
  const app = await processApp()
  t.after(() => app.close())
  await assert.rejects(app.listen({ port, host: '127.0.0.1' }), (err: unknown) => isTaoError(err, 'TAO_ERR_SERVER_ADDRESS_IN_USE') && err.message.startsWith(`127.0.0.1:${port} is already in use by another process.`))
  // The same app can then listen elsewhere, and serves normally.
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  assert.equal((await get(address, '/')).body, 'ok')
})

test('tao start --socket --socket-mode serves on the socket; a second tao on it is refused', async () => {
  const path = join(tmp.dir, 'cli.sock')
  const tao = await startTao(['start', '--socket', path, '--socket-mode', '600'], fixture('process'), { TAO_TEST_SERVICES: '' })
  try {
    assert.equal(tao.address, path)
    assert.equal(statSync(path).mode & 0o777, 0o600)
    assert.equal((await get(path, '/')).body, 'ok')
    const second = runTao(['start', '--socket', path], fixture('process'), { TAO_TEST_SERVICES: '' })
    assert.equal(await second.exited, 1)
    assert.match(second.output(), /tao: The unix socket .*cli\.sock is in use: another server answers on it\..*\[TAO_ERR_SERVER_SOCKET_IN_USE\]/)
    const bad = runTao(['start', '--socket', path, '--socket-mode', '999'], fixture('process'))
    assert.equal(await bad.exited, 2)
    assert.match(bad.output(), /Invalid value '999' for --socket-mode: expected an octal file mode such as 660 or 0o660/)
  } finally {
    assert.equal(await tao.stop('SIGTERM'), 0)
  }
  assert.equal(existsSync(path), false)
})
