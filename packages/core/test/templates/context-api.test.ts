// The boot-time API other concerns use to give templates values: addTemplateGlobal and
// addTemplateContext (lazy, per render), with tao's replaceable defaults.
import assert from 'node:assert/strict'
import { describe, test, after } from 'node:test'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import { addTemplateContext, addTemplateGlobal, isTaoError } from '@tao/core'
import { fixture, projectApp, tempProject } from '../support/project.js'

const root = fixture('templates-apps')

describe('addTemplateContext', () => {
  test('computes a value only when a template reads it, once per render', async () => {
    const { root: tmp, cleanup } = tempProject(null, {
      'settings.ts': "import { defineSettings } from '@tao/core'\nexport default defineSettings({})\n",
      'apps/home/routes.ts': `import { route } from '@tao/core'
import type { Reply, Request } from '@tao/core'
export default [
  route('GET', '/uses', (_req: Request, reply: Reply) => reply.render('uses'), 'uses'),
  route('GET', '/ignores', (_req: Request, reply: Reply) => reply.render('ignores'), 'ignores'),
]
`,
      'templates/uses.html': '{{ user }} {{ user }} {% include "again" %}',
      'templates/again.html': '{{ user }}',
      'templates/ignores.html': 'nothing here',
    })
    after(cleanup)
    const app = await projectApp(tmp)
    after(() => app.close())
    let calls = 0
    await app.fastify.register(fp(async (f) => {
      addTemplateContext(f, 'user', (req) => `user${++calls}:${req.url}`)
    }, { name: 'test:user', dependencies: ['tao:templates'] }))
    assert.equal((await app.inject('/home/ignores')).body, 'nothing here')
    assert.equal(calls, 0, 'not computed when no template reads it')
    assert.equal((await app.inject('/home/uses')).body, 'user1:/home/uses user1:/home/uses user1:/home/uses')
    assert.equal((await app.inject('/home/uses')).body, 'user2:/home/uses user2:/home/uses user2:/home/uses')
    assert.equal(calls, 2, 'once per render')
  })

  test("tao's concerns fill session, csrf_field and messages; a project can still replace the session default", async () => {
    const app = await projectApp(root)
    after(() => app.close())
    addTemplateContext(app.fastify, 'session', () => 'the-session')
    const res = await app.inject('/context')
    assert.match(res.body, /^session=the-session$/m)
    assert.match(res.body, /^csrf=\[<input type="hidden" name="_csrf" value="[^"]+">\]$/m, 'markSafe output is not escaped again')
    assert.match(res.body, /^messages=0$/m)
    const outside = app.render('home:context')
    assert.match(outside, /^csrf=\[\]$/m, 'the fallback applies outside requests')
    assert.match(outside, /^messages=0$/m)
    assert.match(outside, /^session=$/m, 'no fallback given: undefined')
  })

  test('a default can be replaced once; a second registration is a conflict naming both owners', async () => {
    const app = await projectApp(root)
    after(() => app.close())
    addTemplateContext(app.fastify, 'session', () => null, { owner: "plugin 'auth'" })
    assert.throws(() => addTemplateContext(app.fastify, 'session', () => null, { owner: "plugin 'other'" }), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_TEMPLATE_GLOBAL_CONFLICT'))
      assert.match(err.message, /^Template global 'session' is defined twice: by plugin 'auth' and by plugin 'other'\./)
      return true
    })
    assert.throws(() => addTemplateContext(app.fastify, 'messages', () => [], { owner: "plugin 'flash'" }), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_TEMPLATE_GLOBAL_CONFLICT'))
      assert.match(err.message, /defined twice: by tao:session and by plugin 'flash'/)
      return true
    })
  })
})

describe('addTemplateGlobal', () => {
  test('adds a value every template sees, and refuses names tao or the project already use', async () => {
    const app = await projectApp(root)
    after(() => app.close())
    addTemplateGlobal(app.fastify, 'title', 'From a plugin')
    assert.match(app.render('home:index'), /<h1>From a plugin<\/h1>/)
    for (const name of ['url', 'static', 'request', 'site_name']) {
      assert.throws(() => addTemplateGlobal(app.fastify, name, 1), (err: unknown) => isTaoError(err, 'TAO_ERR_TEMPLATE_GLOBAL_CONFLICT'), name)
    }
    assert.throws(() => addTemplateGlobal(app.fastify, 'not a name', 1), (err: unknown) => isTaoError(err, 'TAO_ERR_NAME_INVALID'))
  })

  test("a project global that clashes with tao's names fails at boot", async () => {
    await assert.rejects(projectApp(root, { settings: { templates: { globals: { url: 'x' } } } }), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_TEMPLATE_GLOBAL_CONFLICT'))
      assert.match(err.message, /'url' is defined twice: by tao's templates and by settings\.templates\.globals/)
      return true
    })
  })

  test('outside a tao app it says what to do', async () => {
    const bare = Fastify()
    after(() => bare.close())
    assert.throws(() => addTemplateGlobal(bare, 'x', 1), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_TEMPLATE_NOT_READY'))
      assert.match(err.message, /^addTemplateGlobal\(\) was called on a Fastify instance without tao's templates plugin/)
      return true
    })
  })
})
