import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { injectBeforeBodyEnd, pageText } from './inject.js'

test('injectBeforeBodyEnd: before the last </body>, in any case; null without one', () => {
  assert.equal(injectBeforeBodyEnd('<body>a</body><!-- </body> --></BODY >', 'X'), '<body>a</body><!-- </body> -->X</BODY >')
  assert.equal(injectBeforeBodyEnd('<p>a fragment</p>', 'X'), null)
  assert.equal(injectBeforeBodyEnd('<body>é İ</body>', 'X'), '<body>é İX</body>')
})

function fake (headers: Record<string, string>, replyHeaders: Record<string, string>, url = '/'): [FastifyRequest, FastifyReply] {
  const req = { headers, url } as unknown as FastifyRequest
  const reply = {
    getHeader: (name: string) => replyHeaders[name],
    hasHeader: (name: string) => name in replyHeaders,
  } as unknown as FastifyReply
  return [req, reply]
}

test('pageText: the text of UTF-8 HTML pages only', () => {
  const html = { 'content-type': 'text/html; charset=utf-8' }
  assert.equal(pageText(...fake({}, html), '<p>'), '<p>')
  assert.equal(pageText(...fake({}, { 'content-type': 'text/html' }), Buffer.from('<p>é')), '<p>é')
  assert.equal(pageText(...fake({}, { 'content-type': 'application/json' }), '{}'), null)
  assert.equal(pageText(...fake({}, { 'content-type': 'text/htmlx' }), '<p>'), null)
  assert.equal(pageText(...fake({}, { 'content-type': 'text/html; charset=latin1' }), '<p>'), null)
  assert.equal(pageText(...fake({}, { ...html, 'content-encoding': 'gzip' }), '<p>'), null)
  assert.equal(pageText(...fake({ 'x-requested-with': 'XMLHttpRequest' }, html), '<p>'), null)
  assert.equal(pageText(...fake({ 'hx-request': 'true' }, html), '<p>'), null)
  assert.equal(pageText(...fake({ upgrade: 'websocket' }, html), '<p>'), null)
  assert.equal(pageText(...fake({}, html, '/static/blog/a.html'), '<p>'), null)
  assert.equal(pageText(...fake({}, html), { pipe () {} }), null)
})
