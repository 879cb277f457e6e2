// `tao makemessages` and `tao check` on translation catalogs, with the real binary in a copy of
// the i18n fixture project (node_modules/@tao linked to this checkout's packages).
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fixtureCopy, tao } from './helpers.js'

let root: string
let cleanup = () => {}
before(() => {
  ({ root, cleanup } = fixtureCopy('i18n', 'tao-messages-'))
  // A view string, an escaped quote, and a string that vanished from the code (kept, obsolete).
  writeFileSync(join(root, 'apps/blog/views.ts'), "export const msg = (req: { t: (k: string) => string }) => [req.t('blog:Saved \\'{name}\\''), req.t(\"Goodbye\")]\n")
})
after(() => cleanup())

const read = (rel: string) => JSON.parse(readFileSync(join(root, rel), 'utf8')) as Record<string, unknown>

test('makemessages adds new strings, keeps translations, and marks vanished ones obsolete', () => {
  const r = tao(['makemessages', '--lang', 'fr'], root)
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /apps\/blog\/locales\/fr\.json: \d+ strings \(\d+ new\), 1 obsolete/)
  const fr = read('apps/blog/locales/fr.json')
  assert.equal(fr['Published {title}'], 'Publié : {title}', 'kept')
  assert.equal(fr["Saved '{name}'"], '', 'new, from views.ts')
  assert.equal(fr['{count, plural, one {# post} other {# posts}}'], '{count, plural, one {# billet} other {# billets}}')
  assert.deepEqual(fr['@obsolete'], { Untranslated: '' })
  const project = read('locales/fr.json')
  assert.equal(project.Welcome, 'Bienvenue')
  assert.equal(project.Goodbye, '')
})

test('makemessages refuses a language the site does not have', () => {
  const r = tao(['makemessages', '--lang', 'de'], root)
  assert.equal(r.status, 2)
  assert.match(r.stderr, /Unknown language 'de': this site is served in en, fr, pt-BR/)
})

test('tao check reports catalogs missing translations against the default language', () => {
  assert.equal(tao(['makemessages'], root).status, 0)
  const r = tao(['check'], root)
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /i18n\.W001: apps\/blog\/locales\/fr\.json lacks 2 translations into 'fr' that the default language's catalog has: 'On \{at, date, full\} at \{at, time, short\}', 'Saved '\{name\}''/)
  assert.match(r.stdout, /i18n\.W001: apps\/blog\/locales\/pt-BR\.json lacks \d+ translations into 'pt-BR'/)
})
