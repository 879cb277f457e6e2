// A malformed catalog or message fails the start, naming the file and the key.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { createApp, isTaoError } from '@tao/core'
import { fixture, tempProject } from '../support/project.js'

const cleanups: Array<() => void> = []
after(() => { for (const c of cleanups) c() })

function projectWith (file: string, content: string): string {
  const { root, cleanup } = tempProject('i18n', { [file]: content })
  cleanups.push(cleanup)
  return root
}

async function bootError (root: string): Promise<Error & { code?: string, details?: { file?: string } }> {
  try {
    const app = await createApp({ root, env: {}, settings: { logLevel: 'silent', database: { url: 'memory' } } })
    await app.close()
  } catch (err) {
    return err as Error
  }
  assert.fail('the app started')
}

test('invalid JSON names the file', async () => {
  const err = await bootError(projectWith('apps/blog/locales/fr.json', '{ "a": '))
  assert.ok(isTaoError(err))
  assert.equal(err.code, 'TAO_ERR_I18N_CATALOG_INVALID')
  assert.match(err.message, /apps\/blog\/locales\/fr\.json/)
  assert.match(err.message, /not valid JSON/)
})

test('a malformed ICU message names the file and the key', async () => {
  const err = await bootError(projectWith('locales/fr.json', '{ "Welcome": "Bienvenue {name" }'))
  assert.equal(err.code, 'TAO_ERR_I18N_CATALOG_INVALID')
  assert.match(err.message, /locales\/fr\.json, key 'Welcome'/)
})

test('a translation that is not a string names the key', async () => {
  const err = await bootError(projectWith('locales/fr.json', '{ "Welcome": 3 }'))
  assert.match(err.message, /key 'Welcome': its translation must be a string/)
})

test('defaultLanguage outside languages, and a bad tag or time zone, are settings errors', async () => {
  for (const [settings, re] of [
    [{ languages: ['en', 'fr'], defaultLanguage: 'de' }, /defaultLanguage: expected one of languages \(en, fr\)/],
    [{ languages: ['en', 'not a tag'] }, /languages\[1\]/],
    [{ timeZone: 'Mars/Olympus' }, /timeZone: expected an IANA time zone/],
  ] as const) {
    await assert.rejects(createApp({ root: fixture('i18n'), env: {}, settings: { logLevel: 'silent', database: { url: 'memory' }, ...settings } as never }),
      (err: Error & { code?: string }) => err.code === 'TAO_ERR_SETTINGS_INVALID' && re.test(err.message))
  }
})
