// i18n.urlPrefix: /fr/blog/ is the blog in French, url() and redirectTo() keep the prefix, the
// default language has no prefix (or has one with prefixDefaultLanguage).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { fixtureApp } from '../kernel/helpers.js'

describe('URL prefixes, default language unprefixed', () => {
  let app: TaoApp
  before(async () => { app = await fixtureApp('i18n', { settings: { i18n: { urlPrefix: true } } }) })
  after(() => app.close())

  test('/fr/blog/ answers in French whatever Accept-Language says; its links keep /fr', async () => {
    const res = await app.inject({ url: '/fr/blog/?n=1', headers: { 'accept-language': 'en' } })
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-language'], 'fr')
    assert.match(res.body, /<p id="count">1 billet<\/p>/)
    assert.match(res.body, /<a id="self" href="\/fr\/blog\/">/)
    assert.match(res.body, /hreflang="en" href="\/blog\/\?n=1"/)
    assert.match(res.body, /hreflang="pt-BR" href="\/pt-BR\/blog\/\?n=1"/)
    assert.equal(res.headers.vary, undefined, 'the URL alone decides the language')
  })

  test('an unprefixed URL is the default language, even with a French browser', async () => {
    const res = await app.inject({ url: '/blog/', headers: { 'accept-language': 'fr' } })
    assert.equal(res.headers['content-language'], 'en')
    assert.match(res.body, /<a id="self" href="\/blog\/">/)
  })

  test('redirectTo keeps the prefix; an unknown prefix is just a path (404)', async () => {
    const res = await app.inject('/pt-br/blog/go')
    assert.equal(res.statusCode, 302)
    assert.equal(res.headers.location, '/pt-BR/blog/')
    assert.equal((await app.inject('/de/blog/')).statusCode, 404)
    assert.equal((await app.inject('/fr/nothing')).statusCode, 404)
    assert.equal((await app.inject('/fr')).statusCode, 200, '/fr is / in French (here tao\'s welcome page)')
  })
})

describe('URL prefixes for every language', () => {
  let app: TaoApp
  before(async () => { app = await fixtureApp('i18n', { settings: { i18n: { urlPrefix: true, prefixDefaultLanguage: true } } }) })
  after(() => app.close())

  test('url() prefixes the default language too; unprefixed URLs negotiate', async () => {
    const en = await app.inject({ url: '/en/blog/' })
    assert.match(en.body, /<a id="self" href="\/en\/blog\/">/)
    const bare = await app.inject({ url: '/blog/', headers: { 'accept-language': 'fr' } })
    assert.equal(bare.headers['content-language'], 'fr')
    assert.match(bare.body, /<a id="self" href="\/fr\/blog\/">/)
  })
})
