import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'

let app: TaoApp
before(async () => { app = await createTestApp() })
after(() => app.close())

test('the home page welcomes the visitor and links to every app', async () => {
  const res = await app.inject(app.url('home:index'))
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /Welcome to the tao showcase/)
  for (const name of ['blog:index', 'chat:index', 'clock:index'] as const) {
    assert.ok(res.body.includes(`href="${app.url(name)}"`), `a link to ${name}`)
  }
})

test('the home page speaks French to a French browser, and the switcher goes back to English', async () => {
  const fr = await app.inject({ url: app.url('home:index'), headers: { 'accept-language': 'fr-FR,fr;q=0.9' } })
  assert.equal(fr.headers['content-language'], 'fr')
  assert.match(fr.body, /<html lang="fr">/)
  assert.match(fr.body, /Bienvenue dans la vitrine de tao/)
  assert.match(fr.body, />Horloge</)
  const back = /href="([^"]+)" hreflang="en"/.exec(fr.body)?.[1]?.replace(/&amp;/g, '&')
  assert.ok(back, 'a link to English')
  const res = await app.inject({ url: back, headers: { 'accept-language': 'fr' } })
  assert.equal(res.statusCode, 303)
  const cookie = String(res.headers['set-cookie']).split(';')[0]!
  const en = await app.inject({ url: app.url('home:index'), headers: { 'accept-language': 'fr', cookie } })
  assert.match(en.body, /Welcome to the tao showcase/)
})
