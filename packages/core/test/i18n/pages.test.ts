// Translations, negotiation and formatting on a real app: catalogs per app and per project,
// ICU plurals, escaping of values, fallbacks, Content-Language/Vary, the language switch.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { fixtureApp } from '../kernel/helpers.js'

let app: TaoApp
before(async () => { app = await fixtureApp('i18n') })
after(() => app.close())

const pick = (body: string, id: string) => new RegExp(`<p id="${id}">(.*?)</p>`).exec(body)?.[1]

describe('translations', () => {
  test('Accept-Language picks French: app catalog, ICU plural, project override, escaped values', async () => {
    const res = await app.inject({ url: '/blog/?n=3', headers: { 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.8' } })
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /<html lang="fr">/)
    assert.equal(pick(res.body, 'published'), 'Publié : &lt;script&gt;x&lt;/script&gt;')
    assert.equal(pick(res.body, 'count'), '3 billets')
    assert.equal(pick(res.body, 'markup'), 'Lire <em>plus</em>', 'the project catalog overrides the app, markup kept')
    assert.equal(pick(res.body, 'project'), 'Bienvenue')
    assert.equal(res.headers['content-language'], 'fr')
    assert.match(String(res.headers.vary), /Accept-Language/)
    assert.match(String(res.headers.vary), /Cookie/)
  })

  test('the default language shows the source texts; plural one', async () => {
    const res = await app.inject({ url: '/blog/?n=1', headers: { 'accept-language': 'en' } })
    assert.equal(pick(res.body, 'published'), 'Published &lt;script&gt;x&lt;/script&gt;')
    assert.equal(pick(res.body, 'count'), '1 post')
    assert.equal(pick(res.body, 'markup'), 'Read <em>more</em>')
    assert.equal(res.headers['content-language'], 'en')
  })

  test('a language without a catalog falls back to the default language, formatting in its own', async () => {
    const res = await app.inject({ url: '/blog/', headers: { 'accept-language': 'pt' } })
    assert.equal(res.headers['content-language'], 'pt-BR')
    assert.equal(pick(res.body, 'published'), 'Published &lt;script&gt;x&lt;/script&gt;')
    assert.equal(pick(res.body, 'number'), '1.234.567,89')
  })

  test('hostile or unknown Accept-Language headers get the default language, never an error', async () => {
    for (const h of ['de', '*;q=abc', ';;;', 'x'.repeat(5000), 'fr;q=0']) {
      const res = await app.inject({ url: '/blog/', headers: { 'accept-language': h } })
      assert.equal(res.statusCode, 200, h.slice(0, 20))
      assert.equal(res.headers['content-language'], 'en')
    }
  })

  test('req.t() in a handler gives plain text in the request language', async () => {
    const res = await app.inject({ url: '/blog/text', headers: { 'accept-language': 'fr' } })
    assert.deepEqual(res.json(), { locale: 'fr', text: 'Publié : <b>' })
  })

  test('the language cookie wins over Accept-Language', async () => {
    const res = await app.inject({ url: '/blog/', headers: { 'accept-language': 'fr', cookie: 'tao_language=en' } })
    assert.equal(res.headers['content-language'], 'en')
  })
})

describe('formatting', () => {
  test('dates in the settings time zone and the request language', async () => {
    const fr = await app.inject({ url: '/blog/', headers: { 'accept-language': 'fr' } })
    assert.equal(pick(fr.body, 'date'), '4 déc. 2026')
    assert.equal(pick(fr.body, 'datetime'), '4 déc. 2026, 21:38', 'Europe/Paris is UTC+1 in December')
    const en = await app.inject({ url: '/blog/', headers: { 'accept-language': 'en' } })
    assert.equal(pick(en.body, 'date'), 'Dec 4, 2026')
    assert.equal(pick(en.body, 'number'), '1,234,567.89')
    assert.equal(pick(en.body, 'msgdate')?.replace(/\s/g, ' '), 'On Friday, December 4, 2026 at 9:38 PM', 'dates inside messages use the time zone too')
  })

  test('app.render outside a request uses the default language', () => {
    const html = app.render('blog:index', { title: 't', count: 5, at: new Date(0) })
    assert.equal(pick(html, 'count'), '5 posts')
  })
})

describe('the language switch', () => {
  test('links for each language; following one sets the cookie and returns to the page', async () => {
    const page = await app.inject({ url: '/blog/?n=2', headers: { 'accept-language': 'en' } })
    const links = [...page.body.matchAll(/hreflang="([^"]+)" href="([^"]+)">([^<]+)</g)].map((m) => [m[1], m[2]!.replace(/&amp;/g, '&'), m[3]])
    assert.deepEqual(links.map((l) => l[0]), ['en', 'fr', 'pt-BR'])
    assert.equal(links[1]![2], 'français')
    const res = await app.inject({ url: links[1]![1]! })
    assert.equal(res.statusCode, 303)
    assert.equal(res.headers.location, '/blog/?n=2')
    assert.match(String(res.headers['set-cookie']), /^tao_language=fr; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax/)
  })

  test('a foreign next is refused; an unknown language sets nothing; a cross-site navigation sets nothing', async () => {
    const evil = await app.inject({ url: '/-/language/fr?next=//evil.example/x' })
    assert.equal(evil.headers.location, '/')
    const unknown = await app.inject({ url: '/-/language/xx?next=/blog/' })
    assert.equal(unknown.headers['set-cookie'], undefined)
    const cross = await app.inject({ url: '/-/language/fr?next=/blog/', headers: { 'sec-fetch-site': 'cross-site' } })
    assert.equal(cross.headers['set-cookie'], undefined)
  })

  test('static files get no Content-Language', async () => {
    const res = await app.inject('/static/tao/tao.css')
    assert.equal(res.headers['content-language'], undefined)
  })
})
