// Accept-Language parsing and matching: quality values, base languages, hostile headers.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { matchLanguage, parseAcceptLanguage } from '../../src/i18n/negotiate.js'

const langs = ['en', 'fr', 'pt-BR']

test('quality values order the ranges; q=0 and malformed entries are dropped', () => {
  assert.deepEqual(parseAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5'),
    [{ tag: 'fr-ch', q: 1 }, { tag: 'fr', q: 0.9 }, { tag: 'en', q: 0.8 }, { tag: 'de', q: 0.7 }, { tag: '*', q: 0.5 }])
  assert.deepEqual(parseAcceptLanguage('en;q=0.1, fr'), [{ tag: 'fr', q: 1 }, { tag: 'en', q: 0.1 }])
  assert.deepEqual(parseAcceptLanguage('fr;q=0, en;q=2, <script>, de;q=abc, it'), [{ tag: 'it', q: 1 }])
})

test('the best site language: exact, then base language, then nothing', () => {
  assert.equal(matchLanguage(parseAcceptLanguage('fr-CH, en;q=0.5'), langs), 'fr')
  assert.equal(matchLanguage(parseAcceptLanguage('pt, en;q=0.5'), langs), 'pt-BR')
  assert.equal(matchLanguage(parseAcceptLanguage('PT-br'), langs), 'pt-BR')
  assert.equal(matchLanguage(parseAcceptLanguage('de, ja'), langs), null)
  assert.equal(matchLanguage(parseAcceptLanguage('de, *;q=0.1'), langs), 'en')
})

test('hostile headers cost a bounded parse and never throw', () => {
  for (const h of ['', ';;;,,,', 'q=1', '\u0000fr', 'x'.repeat(100_000), Array(10_000).fill('fr;q=0.5').join(','), 'fr;q=1;q=0', 'e\u00e9']) {
    const t = process.hrtime.bigint()
    assert.doesNotThrow(() => matchLanguage(parseAcceptLanguage(h), langs))
    assert.ok(process.hrtime.bigint() - t < 50_000_000n, 'under 50 ms')
  }
})
