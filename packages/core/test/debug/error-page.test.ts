// The debug error page (Youch): the user's failing line first, tao's and node_modules' frames
// collapsed, the request with secrets masked, route and app, template positions, masked
// settings, a CSP of its own; and nothing of it with debug off.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fixtureApp } from '../kernel/helpers.js'
import { KEY_A } from '../helpers/fixtures.js'

const SECRETS = { cookie: 'tao_session=cookievalue-1234567', authorization: 'Bearer tokenvalue-7654321' }

test('a view that throws under debug: its own source line, the request masked, route, settings masked', async (t) => {
  const app = await fixtureApp('basic', { settings: { debug: true, secretKey: KEY_A, templates: { globals: { feed: 'https://reader:dbpassword-42@example.com/feed' } } } })
  t.after(() => app.close())
  const res = await app.inject({ url: '/boom?page=2', headers: { ...SECRETS, 'x-trace': 'visible-header' } })
  assert.equal(res.statusCode, 500)
  const body = res.body
  assert.match(body, /secret internals/)
  assert.match(body, /apps\/home\/views\.ts/, 'the user\'s file')
  assert.match(body.replace(/<[^>]+>/g, ''), /throw new Error\(&#x27;secret internals&#x27;\)|throw new Error\('secret internals'\)/, 'the source around the failing line')
  assert.match(body, /home:boom/, 'the route name')
  assert.match(body, /visible-header/, 'request headers are shown')
  for (const secret of ['cookievalue-1234567', 'tokenvalue-7654321', KEY_A, 'dbpassword-42']) assert.ok(!body.includes(secret), `${secret} is masked`)
  const csp = String(res.headers['content-security-policy'])
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
  assert.ok(nonce, 'the page has its own CSP with a nonce')
  assert.ok(body.includes(`nonce="${nonce}"`), 'its inline styles and scripts carry the nonce')
  assert.doesNotMatch(body, /<script(?![^>]*nonce=)[^>]*>[^<]/, 'no inline script without the nonce')
})

test('a template error shows the template, the line and the source around it', async (t) => {
  const app = await fixtureApp('i18n', { settings: { debug: true } })
  t.after(() => app.close())
  const res = await app.inject('/blog/broken')
  assert.equal(res.statusCode, 500)
  assert.match(res.body, /apps\/blog\/templates\/broken\.html/)
  assert.match(res.body, /TAO_ERR_TEMPLATE_SYNTAX/)
  const text = res.body.replace(/<[^>]+>/g, '')
  assert.match(text, /(&gt;|>) +3 \| (&lt;|<)p(&gt;|>)\{% if %\}/, 'line 3 marked, with its source')
})

test('with debug off nothing of it exists: the generic page, no source, no request, no settings', async (t) => {
  const app = await fixtureApp('basic', { settings: { secretKey: KEY_A } })
  t.after(() => app.close())
  const res = await app.inject({ url: '/boom', headers: SECRETS })
  assert.equal(res.statusCode, 500)
  assert.match(res.body, /Something went wrong on our side/)
  for (const leak of ['secret internals', 'views.ts', 'throw new Error', 'cookievalue', 'nonce=']) assert.ok(!res.body.includes(leak), leak)
  assert.doesNotMatch(String(res.headers['content-security-policy']), /nonce/)
})

test('a client that prefers JSON gets JSON even under debug', async (t) => {
  const app = await fixtureApp('basic', { settings: { debug: true } })
  t.after(() => app.close())
  const res = await app.inject({ url: '/boom', headers: { accept: 'application/json' } })
  assert.equal(res.json().message, 'secret internals')
})
