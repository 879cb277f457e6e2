import assert from 'node:assert/strict'
import { test } from 'node:test'
import nunjucks from 'nunjucks'
import { escapeHtml } from './escape.js'

const nunjucksEscape = (nunjucks as unknown as { lib: { escape (s: string): string } }).lib.escape

test('escapes exactly as Nunjucks does', () => {
  const samples = ['', 'plain', '&', '<>', '"\'', '\\', 'a&b<c>d"e\'f\\g', '<<>>', 'é<😀>ü', 'tail&', '&head', 'Item 7 <b>', 'x'.repeat(1000) + '<']
  for (const s of samples) assert.equal(escapeHtml(s), nunjucksEscape(s), JSON.stringify(s))
  // Random strings over an alphabet heavy in the escaped characters.
  const alphabet = '&<>"\'\\ab é😀'
  let seed = 7
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
  for (let i = 0; i < 2000; i++) {
    let s = ''
    for (let n = rand(20); n > 0; n--) s += alphabet[rand(alphabet.length)]
    assert.equal(escapeHtml(s), nunjucksEscape(s), JSON.stringify(s))
  }
})

test('text with nothing to escape comes back as the same string', () => {
  const s = 'nothing to escape here'
  assert.equal(escapeHtml(s), s)
})
