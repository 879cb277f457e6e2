// The text and formatting filters, through real renders: escaping kept, Django's behaviour.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { fixtureApp } from '../kernel/helpers.js'

let app: TaoApp
before(async () => { app = await fixtureApp('i18n') })
after(() => app.close())

const render = (src: string, ctx: Record<string, unknown> = {}) => app.render('blog:filters', { src, ...ctx })

test('linebreaks and linebreaksbr escape first, then add their own markup', () => {
  assert.equal(render('', { v: '<b>a</b>\nb\n\nc' }).trim().split('|')[0], '<p>&lt;b&gt;a&lt;/b&gt;<br>b</p>\n<p>c</p>')
  assert.equal(render('', { v: 'a\r\n<i>' }).trim().split('|')[1], 'a<br>&lt;i&gt;')
})

test('truncatewords, pluralize, default_if_none, yesno', () => {
  const out = render('', { v: 'one two <three> four', n: 1, none: null, zero: 0 }).trim().split('|')
  assert.equal(out[2], 'one two &lt;three&gt; …')
  assert.equal(out[3], 'posts/post/cherry/cherries')
  assert.equal(out[4], 'dflt/0')
  assert.equal(out[5], 'yes/no/maybe/on')
})

test('numbers, currency, percent, file sizes, lists and relative times', () => {
  const out = render('', { v: 'x', names: ['Ann', '<Bob>', 'Cy'], past: new Date(Date.now() - 3 * 3600_000) }).trim().split('|')
  assert.equal(out[6], '€1,234.50')
  assert.equal(out[7], '26%/25.6%')
  assert.equal(out[8], '1.5 MB/512 byte')
  assert.equal(out[9], 'Ann, &lt;Bob&gt;, and Cy')
  assert.equal(out[10], '3 hours ago')
  assert.equal(out[11], '2026-12-04T20:38:58.000Z')
})
