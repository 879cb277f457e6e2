import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTaoError } from '../errors/index.js'
import { defineModel } from '../models/define-model.js'
import { Type } from '../models/schema-types.js'
import { resolveAdmin } from './model-admin.js'
import { registerAdmin } from './register.js'

const Post = defineModel('blog:posts', {
  schema: Type.Object({
    _id: Type.Optional(Type.ObjectId()),
    title: Type.String({ maxLength: 100 }),
    body: Type.String(),
    published: Type.Boolean(),
    kind: Type.Union([Type.Literal('note'), Type.Literal('essay')]),
    at: Type.Date(),
    tags: Type.Array(Type.String()),
    meta: Type.Record(Type.String(), Type.Unknown()),
  }),
  indexes: [{ key: { at: -1 } }],
})

test('a registration is resolved against the schema: kinds, labels, sortable fields, permissions', () => {
  const admin = resolveAdmin(registerAdmin(Post, { filters: ['published', 'kind', 'at'], search: ['title'] }), 'apps/blog/admin.ts')
  assert.deepEqual(admin.fields.map((f) => [f.path, f.kind]), [
    ['_id', 'objectid'], ['title', 'text'], ['body', 'text'], ['published', 'boolean'], ['kind', 'enum'], ['at', 'datetime'], ['tags', 'list'], ['meta', 'json'],
  ])
  assert.deepEqual(admin.columns.map((c) => c.path), ['title', 'body', 'published', 'kind'])
  assert.deepEqual([...admin.sortable], ['_id', 'at'])
  assert.equal(admin.label, 'Post')
  assert.equal(admin.perms.change, 'blog.change_posts')
  assert.deepEqual(admin.filters.map((f) => f.kind), ['boolean', 'enum', 'date'])
})

test('unknown fields, filters of the wrong kind and clashing actions fail at boot, naming the file', () => {
  const run = () => undefined
  const cases: Array<[Parameters<typeof registerAdmin>[1], RegExp]> = [
    [{ list: ['titel'] }, /list names 'titel', which the schema does not have \(fields: _id, title/],
    [{ filters: ['tags'] }, /filter 'tags' is list; filters are booleans, enums, dates and references/],
    [{ search: ['published'] }, /search field 'published' is not text/],
    [{ ordering: '-nope' }, /ordering names 'nope'/],
    [{ actions: [{ name: 'delete_selected', label: 'x', run }] }, /delete_selected is built in/],
    [{ actions: [{ name: 'bad name', label: 'x', run }] }, /an action needs a name/],
  ]
  for (const [options, message] of cases) {
    assert.throws(() => resolveAdmin(registerAdmin(Post, options), 'apps/blog/admin.ts'), (err) => {
      assert.ok(isTaoError(err, 'TAO_ERR_ADMIN_REGISTRATION_INVALID'))
      assert.match(err.message, /^Invalid admin registration in apps\/blog\/admin\.ts: blog:posts: /)
      assert.match(err.message, message)
      return true
    })
  }
  assert.throws(() => registerAdmin(undefined as never), (err) => isTaoError(err, 'TAO_ERR_ADMIN_REGISTRATION_INVALID') && /is the model exported/.test(err.message))
})
