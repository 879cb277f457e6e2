// Multipart uploads: files and fields, saving under a generated name, temporary files deleted
// after the response, and each limit at and over its value.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { CookieJar, csrfFrom } from '../helpers/cookie-jar.js'
import { fixture } from '../helpers/fixtures.js'
import { multipart, type Part } from '../helpers/multipart.js'

const work = mkdtempSync(join(tmpdir(), 'tao-uploads-test-'))
const saveDir = join(work, 'saved')
// Temporary upload files go under os.tmpdir(), which follows TMPDIR: keep this suite's apart.
process.env.TMPDIR = join(work, 'tmp')
mkdirSync(process.env.TMPDIR)
process.env.TAO_TEST_UPLOAD_DIR = saveDir

let app: TaoApp
let auth: Record<string, string>

function send (parts: Part[], url = '/upload') {
  const { payload, headers } = multipart(parts)
  return app.inject({ method: 'POST', url, headers: { ...headers, ...auth, accept: 'application/json' }, payload })
}

const file = (name: string, size: number, filename = `${name}.bin`): Part => ({ name, filename, content: Buffer.alloc(size, 97) })
const field = (name: string, value = 'v'): Part => ({ name, value })

function tempFiles (): string[] {
  const root = process.env.TMPDIR!
  if (!existsSync(root)) return []
  return readdirSync(root).filter((d) => d.startsWith('tao-uploads-')).flatMap((d) => readdirSync(join(root, d)))
}

async function until (cond: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 20))
  return cond()
}

describe('uploads', () => {
  before(async () => {
    app = await createTestApp({
      root: fixture('safety'),
      settings: { forms: { maxFileSize: 1000, maxFiles: 2, maxFields: 3, maxFieldSize: 50, maxParts: 4 } },
    })
    const jar = new CookieJar()
    const page = await app.inject('/form')
    jar.store(page)
    auth = { cookie: jar.header(), 'x-csrf-token': csrfFrom(page.body) }
  })
  after(async () => {
    await app.close()
    rmSync(work, { recursive: true, force: true })
  })

  test('a file exposes its filename, type, size and content; fields are strings', async () => {
    const res = await send([field('title', 'Cat'), { name: 'photo', filename: 'cat.png', type: 'image/png', content: 'PNGDATA' }])
    assert.equal(res.statusCode, 200, res.body)
    assert.deepEqual(res.json(), {
      fields: { title: 'Cat' },
      files: [{ field: 'photo', filename: 'cat.png', type: 'image/png', size: 7, content: 'PNGDATA', saved: null }],
    })
    assert.ok(await until(() => tempFiles().length === 0), `temporary files left: ${tempFiles().join(', ')}`)
  })

  test('save() stores it under a generated name; the client name is only data', async () => {
    const res = await send([{ name: 'doc', filename: '../../../etc/evil.SH', content: 'echo hi' }], '/upload?save=1')
    assert.equal(res.statusCode, 200, res.body)
    const { saved } = res.json().files[0]
    assert.equal(saved.filename, 'evil.SH')
    assert.match(saved.name, /^[0-9a-f-]{36}\.sh$/)
    assert.equal(dirname(saved.path), saveDir)
    assert.equal(readFileSync(saved.path, 'utf8'), 'echo hi')
    const odd = await send([{ name: 'doc', filename: 'notes.tar.gz?x=<script>', content: 'z' }], '/upload?save=1')
    assert.match(odd.json().files[0].saved.name, /^[0-9a-f-]{36}$/, 'an odd extension is dropped')
  })

  test('an empty file input (no file chosen) gives no file', async () => {
    const res = await send([field('title'), { name: 'photo', filename: '', content: '' }])
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json().files, [])
  })

  test('after the response the upload is gone, with a clear error', async () => {
    assert.equal((await send([file('file', 10)], '/upload/late')).json().kept, 'file.bin')
    assert.ok(await until(() => tempFiles().length === 0))
    const late = await app.inject({ method: 'POST', url: '/upload/late' })
    assert.deepEqual(late.json(), { error: 'TAO_ERR_FORM_UPLOAD_GONE' })
  })

  test('a file at maxFileSize passes; one byte more is a 413', async () => {
    assert.equal((await send([file('f', 1000)])).json().files[0].size, 1000)
    const res = await send([file('f', 1001)])
    assert.equal(res.statusCode, 413)
    assert.equal(res.json().code, 'TAO_ERR_FORM_FILE_TOO_LARGE')
    assert.match(res.json().message, /'f' is larger than 1000 bytes \(settings\.forms\.maxFileSize\)/)
  })

  test('maxFiles files pass; one more is a 413', async () => {
    assert.equal((await send([file('a', 1), file('b', 1)])).json().files.length, 2)
    const res = await send([file('a', 1), file('b', 1), file('c', 1)])
    assert.equal(res.statusCode, 413)
    assert.equal(res.json().code, 'TAO_ERR_FORM_TOO_MANY_FILES')
  })

  test('maxFields fields pass; one more is a 400', async () => {
    assert.deepEqual((await send([field('a'), field('b'), field('c')])).json().fields, { a: 'v', b: 'v', c: 'v' })
    const res = await send([field('a'), field('b'), field('c'), field('d')])
    assert.equal(res.statusCode, 400)
    assert.equal(res.json().code, 'TAO_ERR_FORM_TOO_MANY_FIELDS')
  })

  test('a field at maxFieldSize passes; one byte more is a 413', async () => {
    assert.equal((await send([field('a', 'x'.repeat(50))])).statusCode, 200)
    const res = await send([field('a', 'x'.repeat(51))])
    assert.equal(res.statusCode, 413)
    assert.equal(res.json().code, 'TAO_ERR_FORM_FIELD_TOO_LARGE')
  })

  test('maxParts parts pass; one more is a 413', async () => {
    assert.equal((await send([field('a'), field('b'), file('c', 1), file('d', 1)])).statusCode, 200)
    const res = await send([field('a'), field('b'), field('c'), file('d', 1), file('e', 1)])
    assert.equal(res.statusCode, 413)
    assert.equal(res.json().code, 'TAO_ERR_FORM_TOO_MANY_PARTS')
  })

  test('dangerous field names are a 400, for fields and files', async () => {
    for (const parts of [[field('__proto__')], [field('constructor[prototype][x]')], [file('__proto__', 1)], [file('a[__proto__]', 1)]]) {
      const res = await send(parts)
      assert.equal(res.statusCode, 400, JSON.stringify(parts[0]!.name))
      assert.equal(res.json().code, 'TAO_ERR_FORM_FIELD_NAME')
    }
  })

  test('a part without a field name is a 400, not a field called "undefined"', async () => {
    const parts = [
      'Content-Disposition: form-data\r\n\r\nv',
      'Content-Disposition: form-data; name=""\r\n\r\nv',
      'Content-Disposition: form-data; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nv',
    ]
    for (const part of parts) {
      const payload = `--XX\r\n${part}\r\n--XX--\r\n`
      const res = await app.inject({ method: 'POST', url: '/upload', headers: { ...auth, 'content-type': 'multipart/form-data; boundary=XX', accept: 'application/json' }, payload })
      assert.equal(res.statusCode, 400, part)
      assert.equal(res.json().code, 'TAO_ERR_FORM_MALFORMED', part)
      assert.match(res.json().message, /a multipart part has no field name/)
    }
  })

  test('no temporary file is left behind by refused uploads', async () => {
    assert.ok(await until(() => tempFiles().length === 0), `temporary files left: ${tempFiles().join(', ')}`)
  })
})
