import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { modelsApp } from './helpers.js'

const { Tag } = await import('../fixtures/models/apps/blog/models.js')

async function withTags (t: Parameters<typeof modelsApp>[0], count: number): Promise<TaoApp> {
  const app = await modelsApp(t)
  const names = Array.from({ length: count }, (_, i) => `tag${String(i).padStart(3, '0')}`)
  // Shuffled, so order comes from the sort, not from insertion.
  await Tag.of(app).insertMany(names.reverse().map((name) => ({ name })))
  return app
}

test('paginate: items, counts and links that keep the query; the template partial draws them', async (t) => {
  const app = await withTags(t, 45)
  const first = await app.inject('/tags?format=json')
  assert.equal(first.statusCode, 200)
  const body = first.json()
  assert.deepEqual(body.names, ['tag000', 'tag001', 'tag002', 'tag003', 'tag004', 'tag005', 'tag006', 'tag007', 'tag008', 'tag009'])
  assert.deepEqual({ ...body.page, links: undefined }, { page: 1, perPage: 10, total: 45, pages: 5, start: 1, end: 10, previous: null, next: { number: 2, url: '/tags?format=json&page=2' }, links: undefined })
  assert.deepEqual(body.page.links.map((l: { number: number, current: boolean }) => [l.number, l.current]), [[1, true], [2, false], [3, false], [5, false]])
  assert.equal(body.page.links[3].gap, true)
  const last = (await app.inject('/tags?format=json&page=5')).json()
  assert.deepEqual(last.names, ['tag040', 'tag041', 'tag042', 'tag043', 'tag044'])
  assert.deepEqual(last.page.previous, { number: 4, url: '/tags?format=json&page=4' })
  assert.equal(last.page.next, null)

  const html = await app.inject('/tags?page=2')
  assert.equal(html.statusCode, 200)
  assert.match(html.body, /11–20 of 45/)
  assert.match(html.body, /<nav class="pagination" aria-label="Pages">\n<a href="\/tags" rel="prev">Previous<\/a>\n<a href="\/tags">1<\/a><span aria-current="page">2<\/span><a href="\/tags\?page=3">3<\/a>/)
  assert.match(html.body, /<a href="\/tags\?page=3" rel="next">Next<\/a>/)
})

test('paginate: a page past the last is a 404, a page that is not a number a 400; an empty list has page 1', async (t) => {
  const app = await withTags(t, 12)
  assert.equal((await app.inject('/tags?page=2')).statusCode, 200)
  const past = await app.inject({ url: '/tags?page=3', headers: { accept: 'application/json' } })
  assert.equal(past.statusCode, 404)
  assert.match(past.body, /Page 3 does not exist: there are 2 pages\./)
  for (const bad of ['abc', '0', '-1', '1.5', '1e3', '99999999999', '2&page=3']) {
    const res = await app.inject({ url: `/tags?page=${bad}`, headers: { accept: 'application/json' } })
    assert.equal(res.statusCode, 400, bad)
    assert.match(res.body, /TAO_ERR_PAGINATION_INVALID/, bad)
  }
  const empty = await modelsApp(t)
  const res = await empty.inject('/tags?format=json')
  assert.equal(res.statusCode, 200)
  assert.deepEqual({ ...res.json().page, links: undefined }, { page: 1, perPage: 10, total: 0, pages: 1, start: 0, end: 0, previous: null, next: null, links: undefined })
})

test('paginateByKey: walks every item once, in key order, by positions; a forged position is a 400', async (t) => {
  const app = await withTags(t, 45)
  const seen: string[] = []
  let url: string | null = '/tags/by-name'
  let pages = 0
  while (url !== null && pages < 10) {
    const res = await app.inject(url)
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json() as { names: string[], next: { url: string } | null }
    seen.push(...body.names)
    url = body.next?.url ?? null
    pages++
  }
  assert.equal(pages, 5)
  assert.deepEqual(seen, Array.from({ length: 45 }, (_, i) => `tag${String(i).padStart(3, '0')}`))
  for (const bad of ['nope', Buffer.from('[1]').toString('base64url'), '%00']) {
    const res = await app.inject({ url: `/tags/by-name?after=${bad}`, headers: { accept: 'application/json' } })
    assert.equal(res.statusCode, 400, bad)
  }
})
