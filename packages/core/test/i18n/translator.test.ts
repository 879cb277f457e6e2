// The Translator alone: fallbacks in order, and each missing translation reported once (tao
// logs it under debug).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Translator } from '../../src/i18n/translator.js'

const catalogs = {
  files: [],
  messages: new Map([
    ['fr', new Map([['blog:Hello', 'Bonjour']])],
    ['en', new Map([['blog:Only in en', 'Only in English']])],
  ]),
}

test('language, base language, default language, then the source text; missing ones reported once each', () => {
  const missing: string[] = []
  const t = new Translator(catalogs, { languages: ['en', 'fr', 'fr-CA'], defaultLanguage: 'en', apps: new Set(['blog']), timeZone: 'UTC', onMissing: (lang, key) => missing.push(`${lang} ${key}`) })
  assert.equal(t.t('fr', 'blog:Hello'), 'Bonjour')
  assert.equal(t.t('fr-CA', 'blog:Hello'), 'Bonjour', 'the base language')
  assert.equal(t.t('fr', 'blog:Only in en'), 'Only in English', 'the default language')
  assert.equal(t.t('fr', 'blog:Nowhere {n}', { n: 3 }), 'Nowhere 3', 'the source text, without its app')
  assert.equal(t.t('fr', 'note: not an app'), 'note: not an app', 'a prefix that is no app is text')
  for (let i = 0; i < 3; i++) t.t('fr', 'blog:Nowhere {n}', { n: i })
  assert.deepEqual(missing, ['fr blog:Only in en', 'fr blog:Nowhere {n}', 'fr note: not an app'])
})
