import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { defineModel, isTaoError, ObjectId, Type, type ModelDocument, type TaoError } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { modelsApp } from './helpers.js'

const { Post } = await import('../fixtures/models/apps/blog/models.js')

async function rejection (p: Promise<unknown>): Promise<TaoError> {
  try {
    await p
  } catch (err) {
    if (isTaoError(err)) return err
    throw err
  }
  throw new Error('expected a rejection')
}

test('models of apps/<app>/models.ts are discovered, named exports and default array, each once', async (t) => {
  const app = await modelsApp(t)
  assert.deepEqual([...app.models.keys()], ['blog:posts', 'blog:prices', 'blog:tags'])
  const tags = app.models.get('blog:tags')!
  assert.equal(tags.collectionName, 'blog_tags', 'default collection name is <app>_<model>')
  assert.equal(app.models.get('blog:posts'), Post, 'the same object the module exports')
  assert.equal(Post.app, 'blog')
  assert.equal(Post.key, 'posts')
  assert.equal(Post.collectionName, 'posts')
  assert.deepEqual(Post.indexes, [{ key: { slug: 1 }, unique: true }])
  assert.equal((Post.schema as { type: string }).type, 'object')
})

test('a valid insert keeps ObjectId and Date typed, fills defaults, and reads back through the driver', async (t) => {
  const app = await modelsApp(t)
  const at = new Date('2026-01-02T03:04:05Z')
  const posts = Post.of(app)
  const { insertedId } = await posts.insertOne({ title: 'Hello', slug: 'hello', at })
  const doc = await app.db.collection('posts').findOne({ _id: insertedId })
  assert.ok(doc?._id instanceof ObjectId)
  assert.ok(doc.at instanceof Date)
  assert.equal(doc.at.getTime(), at.getTime())
  assert.equal(doc.body, '', 'the schema default was filled in')
  const typed: PostDocument | null = await posts.findOne({ slug: 'hello' })
  assert.equal(typed?.title, 'Hello')
  assert.equal(posts.raw.collectionName, 'posts')
  assert.equal(Post.of(app), posts, 'one ModelCollection per Db')
})
type PostDocument = ModelDocument<typeof Post>

test('an invalid insert throws TAO_ERR_MODEL_INVALID with one sentence per field, and writes nothing', async (t) => {
  const app = await modelsApp(t)
  const err = await rejection(Post.of(app).insertOne({ title: '', slug: 'Not A Slug', at: '2026-01-01' as unknown as Date }))
  assert.equal(err.code, 'TAO_ERR_MODEL_INVALID')
  assert.equal(err.statusCode, 400)
  assert.deepEqual(err.details.fields, {
    title: 'This field cannot be empty.',
    slug: 'Use lowercase letters, digits and dashes.',
    at: 'Enter a valid date.',
  })
  assert.match(err.message, /Invalid 'blog:posts' document: title: This field cannot be empty\./)
  const missing = await rejection(Post.of(app).insertOne({ slug: 'x' } as PostDocument))
  assert.deepEqual(missing.details.fields, { title: 'This field is required.', at: 'This field is required.' })
  assert.equal(await app.db.collection('posts').countDocuments(), 0)
})

test('updates: $set values are checked (dotted paths too), $unset of a required field is refused', async (t) => {
  const app = await modelsApp(t)
  const posts = Post.of(app)
  await posts.insertOne({ title: 'A', slug: 'a', at: new Date() })
  await posts.updateOne({ slug: 'a' }, { $set: { title: 'B', 'meta.words': 3 } })
  assert.equal((await posts.findOne({ slug: 'a' }))?.meta?.words, 3)
  const bad = await rejection(posts.updateOne({ slug: 'a' }, { $set: { title: 'x'.repeat(201), 'meta.words': -1 } }))
  assert.deepEqual(bad.details.fields, { title: 'Enter at most 200 characters.', 'meta.words': 'Enter a number greater than or equal to 0.' })
  const unset = await rejection(posts.updateMany({}, { $unset: { title: '' } }))
  assert.deepEqual(unset.details.fields, { title: 'This field is required.' })
  const replaced = await rejection(posts.replaceOne({ slug: 'a' }, { title: 'C' } as PostDocument))
  assert.equal(replaced.code, 'TAO_ERR_MODEL_INVALID')
  const doc = await posts.findOneAndUpdate({ slug: 'a' }, { $set: { title: 'D' } }, { returnDocument: 'after' })
  assert.equal(doc?.title, 'D')
  // Operators that compute values on the server are not second-guessed.
  await posts.updateOne({ slug: 'a' }, { $inc: { 'meta.words': 1 } })
})

test('createTestApp creates the declared indexes; a unique index violation becomes TAO_ERR_MODEL_DUPLICATE naming the field (insertOne, insertMany, updateOne)', async (t) => {
  const app = await modelsApp(t)
  const posts = Post.of(app)
  // createTestApp made the indexes the model declares, as tao dev does.
  assert.ok((await posts.raw.indexes()).some((i) => i.name === 'slug_1' && i.unique))
  await posts.insertOne({ title: 'A', slug: 'a', at: new Date() })
  await posts.insertOne({ title: 'B', slug: 'b', at: new Date() })
  const one = await rejection(posts.insertOne({ title: 'A again', slug: 'a', at: new Date() }))
  assert.equal(one.code, 'TAO_ERR_MODEL_DUPLICATE')
  assert.equal(one.statusCode, 409)
  assert.deepEqual(one.details.fields, { slug: 'This value is already used; choose another.' })
  const many = await rejection(posts.insertMany([{ title: 'C', slug: 'c', at: new Date() }, { title: 'A', slug: 'a', at: new Date() }]))
  assert.deepEqual(Object.keys(many.details.fields as object), ['slug'])
  const update = await rejection(posts.updateOne({ slug: 'b' }, { $set: { slug: 'a' } }))
  assert.equal(update.code, 'TAO_ERR_MODEL_DUPLICATE')
  const invalidItem = await rejection(posts.insertMany([{ title: 'D', slug: 'd', at: new Date() }, { title: '', slug: 'e', at: new Date() }]))
  assert.deepEqual(invalidItem.details.fields, { '1.title': 'This field cannot be empty.' })
})

test('Post.of(req) in a handler: bad request data answers 400, not 500', async (t) => {
  const app = await modelsApp(t)
  const ok = await app.inject({ method: 'POST', url: '/posts', payload: { title: 'Hi', slug: 'hi' } })
  assert.equal(ok.statusCode, 200)
  const bad = await app.inject({ method: 'POST', url: '/posts', payload: { title: '', slug: 'hi' }, headers: { accept: 'application/json' } })
  assert.equal(bad.statusCode, 400)
  assert.match(bad.body, /TAO_ERR_MODEL_INVALID/)
  assert.deepEqual((await app.inject('/count')).json(), { count: 1 })
})

test('model.validate: whole or partial, never throws; of() refuses a source without a database', () => {
  assert.deepEqual(Post.validate({ title: 'x' }), { ok: false, errors: { slug: 'Use lowercase letters, digits and dashes.', at: 'This field is required.' } }, 'a string errorMessage is every error of its field')
  assert.deepEqual(Post.validate({ title: 'x' }, { partial: true }), { ok: true, value: { title: 'x' } })
  assert.equal(Post.validate({ title: 'x', slug: 'x', at: new Date('nope') }).ok, false)
  assert.throws(() => Post.of({} as never), (err: TaoError) => err.code === 'TAO_ERR_MODEL_SOURCE')
})

test('defineModel refuses a bad name or a schema that is not an object', () => {
  const schema = Type.Object({ a: Type.String() })
  for (const name of ['posts', 'Blog:posts', 'blog:Posts', 'blog:posts:x', 'blog:']) {
    assert.throws(() => defineModel(name, { schema }), (err: TaoError) => err.code === 'TAO_ERR_MODEL_DEFINITION' && err.message.includes(name), name)
  }
  assert.throws(() => defineModel('blog:x', { schema: Type.String() }), /Type\.Object/)
})

test('a model named for another app is a boot error naming the file', async () => {
  const root = fileURLToPath(new URL('../fixtures/models-bad-app', import.meta.url))
  await assert.rejects(createTestApp({ root }), (err: TaoError) =>
    err.code === 'TAO_ERR_MODEL_MODULE_INVALID' && /apps\/blog\/models\.ts/.test(err.message) && /'shop:items'/.test(err.message))
})

test('indexes at boot: under debug (tao dev) and in tests, never silently in production', async (t) => {
  const { createApp } = await import('@tao/core')
  const root = fileURLToPath(new URL('../fixtures/models', import.meta.url))
  const slugIndex = async (debug: boolean, autoIndexes?: boolean) => {
    const app = await createApp({ root, env: {}, settings: { debug, logLevel: 'silent', database: { url: 'memory' }, ...(autoIndexes === undefined ? {} : { migrations: { autoIndexes } }) } })
    t.after(() => app.close())
    await app.ready()
    return (await Post.of(app).raw.indexes().catch(() => [])).some((i) => i.name === 'slug_1')
  }
  assert.equal(await slugIndex(false), false, 'production: tao migrate does it')
  assert.equal(await slugIndex(true), true, 'debug, as under tao dev')
  assert.equal(await slugIndex(false, true), true, 'asked for')
})
