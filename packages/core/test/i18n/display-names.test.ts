// Issue 19 point 2: the `languages` global's display names are computed when a template first
// reads one, not at boot (the first Intl.DisplayNames loads ICU's display data).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fixtureApp } from '../kernel/helpers.js'

test('a boot makes no Intl.DisplayNames; the first page that lists the languages does', async () => {
  const Original = Intl.DisplayNames
  // Intl's members are writable at run time; TypeScript types them read-only.
  const intl = Intl as { DisplayNames: typeof Intl.DisplayNames }
  let made = 0
  intl.DisplayNames = class extends Original {
    constructor (...args: ConstructorParameters<typeof Original>) {
      super(...args)
      made++
    }
  }
  try {
    const app = await fixtureApp('i18n')
    try {
      await app.ready()
      assert.equal(made, 0, 'no display name was computed at boot')
      const page = await app.inject({ url: '/blog/', headers: { 'accept-language': 'en' } })
      const names = [...page.body.matchAll(/hreflang="([^"]+)" href="[^"]+">([^<]+)</g)].map((m) => [m[1], m[2]])
      assert.deepEqual(names, [['en', 'English'], ['fr', 'français'], ['pt-BR', 'português (Brasil)']])
      assert.equal(made, 3)
    } finally {
      await app.close()
    }
  } finally {
    intl.DisplayNames = Original
  }
})
