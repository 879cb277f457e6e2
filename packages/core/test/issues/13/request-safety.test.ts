// Regressions for #13: each class of bad input found from outside, sent over a real socket to a
// real server: encoded separators in static names, template names from templates, prototype
// pollution, huge renders, oversized and lying bodies, bad UTF-8, cross-site unsafe requests,
// bad header values set by handlers. No answer may be Node's error text, a path or a hang.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { projectApp, tempProject } from '../../support/project.js'
import { files } from './project.js'
import { headerOf, rawRequest, type RawAnswer } from './raw.js'

const project = tempProject(null, files)
// Uploads go to the system temporary folder: a folder of this test's own, to look into.
const uploadsTmp = mkdtempSync(join(tmpdir(), 'tao-13-tmp-'))
const savedTmp = process.env.TMPDIR
process.env.TMPDIR = uploadsTmp
let app: TaoApp
let dev: TaoApp
let port: number
let devPort: number

before(async () => {
  app = await projectApp(project.root)
  port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port)
  dev = await projectApp(project.root, { settings: { debug: true, debugToolbar: false } })
  devPort = Number(new URL(await dev.listen({ port: 0, host: '127.0.0.1' })).port)
})
after(async () => {
  await app?.close()
  await dev?.close()
  project.cleanup()
  rmSync(uploadsTmp, { recursive: true, force: true })
  if (savedTmp === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = savedTmp
})

const get = (p: number, path: string, headers = ''): Promise<RawAnswer> =>
  rawRequest(p, `GET ${path} HTTP/1.1\r\nHost: localhost:${p}\r\nConnection: close${headers}`)

/** Nothing of the machine or of Node's own error text in an answer. */
function assertClean (res: RawAnswer, what: string): void {
  assert.doesNotMatch(res.body, /TOP-SECRET|ERR_INVALID_CHAR|Invalid character in header|etc\/passwd|\.\.\/\.\.\/secret/, what)
  assert.ok(!res.body.includes(project.root), `${what}: the project path is in the body`)
}

describe('static names are decoded once; an encoded separator is a 404', () => {
  test('the files are served under their plain names', async () => {
    assert.equal((await get(port, '/static/site/sub/ok.css')).status, 200)
    assert.equal((await get(port, '/static/site/admin/x.js')).status, 200)
  })

  for (const path of ['/static/site/sub%2fok.css', '/static/site/sub%2Fok.css', '/static/site/sub%5cok.css', '/static/site/sub%5Cok.css', '/static/site/sub%252fok.css', '/static/site/%2fsub/ok.css', '/static/site/sub%2f..%2fsub%2fok.css']) {
    test(`GET ${path} is a 404`, async () => {
      const res = await get(port, path)
      assert.equal(res.status, 404, path)
      assert.doesNotMatch(res.body, /color: green/)
    })
  }

  test('percent-encoded unreserved characters are normalised before any guard sees the path', async () => {
    const echoed = await get(port, '/%61dmin/%65cho', '\r\nAccept: application/json')
    assert.equal(echoed.status, 200)
    assert.equal(JSON.parse(echoed.body).url, '/admin/echo', 'req.url is what the router matched')
    const query = await get(port, '/%61dmin/echo?x=%61', '\r\nAccept: application/json')
    assert.equal(JSON.parse(query.body).url, '/admin/echo?x=%61', 'the query is left alone')
    // The static file is then the one its normalised name says, as any guard on req.url saw it.
    const res = await get(port, '/static/site/%61dmin/x.js')
    assert.equal(res.status, 200)
    assert.match(res.body, /admin/)
  })
})

describe('template names from templates are a 500, never a 4xx or a path', () => {
  for (const name of ['include-up', 'extends-abs', 'import-app-up', 'from-unknown']) {
    test(`${name}: the generic 500 in production, the details under debug`, async () => {
      const res = await get(port, `/render/${name}`)
      assert.equal(res.status, 500, name)
      assert.match(res.body, /Something went wrong on our side/)
      assertClean(res, name)
      const debug = await get(devPort, `/render/${name}`)
      assert.equal(debug.status, 500, name)
      assert.match(debug.body, /TAO_ERR_NAME_INVALID|TAO_ERR_APP_NOT_FOUND/)
    })
  }
})

describe('templates see no inherited properties', () => {
  test('a polluted Object.prototype reaches neither context, globals nor members', async () => {
    const proto = Object.prototype as Record<string, unknown>
    proto.polluted = 'POLLUTED'
    proto.is_admin = true
    let res: RawAnswer
    try {
      res = await get(port, '/render/polluted')
    } finally {
      delete proto.polluted
      delete proto.is_admin
    }
    assert.equal(res.status, 200)
    assert.equal(res.body, '[][][][][][ann]')
  })
})

describe('a render cannot hold the event loop: settings.templates.maxOutput', () => {
  test('a 10 MB value fails the render at once with a clear error (detailed under debug)', async () => {
    const start = performance.now()
    const res = await get(port, '/render/big?size=10000000')
    const ms = performance.now() - start
    assert.equal(res.status, 500)
    assertClean(res, 'big')
    assert.ok(ms < 2000, `took ${ms} ms`)
    const debug = await get(devPort, '/render/big?size=10000000', '\r\nAccept: application/json')
    assert.equal(debug.status, 500)
    assert.equal(JSON.parse(debug.body).code, 'TAO_ERR_TEMPLATE_OUTPUT_TOO_LARGE')
    assert.match(JSON.parse(debug.body).message, /more than 1048576 characters \(settings\.templates\.maxOutput\)/)
  })

  test('so does a loop of template text, and a render under the limit is unchanged', async () => {
    assert.equal((await get(port, '/render/loop')).status, 500)
    const res = await get(port, '/render/big?size=1000')
    assert.equal(res.status, 200)
    assert.equal(res.body, `<p>${'x'.repeat(1000)}</p>`)
  })
})

describe('bodies: refused at the limit, before reading when declared too large', () => {
  const boundary = 'tao13boundary'
  const partHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`
  // The temporary directory also holds the embedded store's socket directory (tao-db-*): not an upload.
  const uploadsLeft = (): string[] => readdirSync(uploadsTmp).filter((d) => !d.startsWith('tao-db-')).flatMap((d) => readdirSync(join(uploadsTmp, d)))

  test('a file part passing forms.maxFileSize is cut there: 413, connection closed, temp file removed', async () => {
    // Chunked, with no end: only the cut can answer it.
    const chunk = Buffer.alloc(64 * 1024, 0x61)
    const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
    const head = `POST /upload HTTP/1.1\r\nHost: localhost:${port}\r\nAccept: application/json\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nTransfer-Encoding: chunked`
    const first = Buffer.from(partHead)
    const res = await rawRequest(port, head, Buffer.concat([Buffer.from(`${first.length.toString(16)}\r\n`), first, Buffer.from('\r\n')]), { chunk: framed, total: 48 * 1024 * 1024 }, 20_000)
    assert.equal(res.status, 413)
    assert.equal(JSON.parse(res.body).code, 'TAO_ERR_FORM_FILE_TOO_LARGE')
    assert.equal(headerOf(res.head, 'connection'), 'close')
    assert.ok(res.closedByServer, 'the server closed the connection')
    // Loopback socket buffers hold a few MB; without the cut all 48 MB were read.
    assert.ok(res.writtenBeforeAnswer < 24 * 1024 * 1024, `${res.writtenBeforeAnswer} bytes written before the answer`)
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.deepEqual(uploadsLeft(), [])
  })

  test('a client that writes on after the 413 and reads it later still gets it: a lingering close, not a reset', async () => {
    // Declared within the form limits; the file part passes maxFileSize. The client reads
    // nothing until it wrote more: with a plain close, the server's kernel answers those bytes
    // with a reset, which drops the 413 before the client reads it.
    const part = Buffer.concat([Buffer.from(partHead), Buffer.alloc(1_200_000, 0x61)])
    const answer = await new Promise<{ text: string, error: string | undefined }>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      const got: Buffer[] = []
      let error: string | undefined
      socket.pause()
      socket.on('connect', () => {
        socket.write(`POST /upload HTTP/1.1\r\nHost: localhost:${port}\r\nAccept: application/json\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 2000000\r\n\r\n`)
        socket.write(part)
        setTimeout(() => {
          socket.write(Buffer.alloc(200_000, 0x61))
          setTimeout(() => socket.resume(), 200)
        }, 300)
      })
      socket.on('data', (c: Buffer) => got.push(c))
      socket.on('error', (e: NodeJS.ErrnoException) => { error = e.code })
      socket.on('close', () => resolve({ text: Buffer.concat(got).toString('latin1'), error }))
    })
    assert.match(answer.text, /^HTTP\/1\.1 413 /, `no answer read (${answer.error ?? 'no error'})`)
    assert.match(answer.text, /TAO_ERR_FORM_FILE_TOO_LARGE/)
  })

  test('a multipart Content-Length above what the form limits allow is a 413 before any byte is read', async () => {
    const head = `POST /upload HTTP/1.1\r\nHost: localhost:${port}\r\nAccept: application/json\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 2147483648`
    const res = await rawRequest(port, head)
    assert.equal(res.status, 413)
    assert.equal(JSON.parse(res.body).code, 'TAO_ERR_FORM_BODY_TOO_LARGE')
    assert.equal(res.writtenBeforeAnswer, 0)
    assert.ok(res.closedByServer)
  })

  test('a JSON Content-Length above server.bodyLimit is a 413 before reading, connection closed', async () => {
    const head = `POST /json HTTP/1.1\r\nHost: localhost:${port}\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: 2147483648`
    const res = await rawRequest(port, head)
    assert.equal(res.status, 413)
    assert.equal(res.writtenBeforeAnswer, 0)
    assert.equal(headerOf(res.head, 'connection'), 'close')
    assert.ok(res.closedByServer)
  })

  test('JSON with invalid UTF-8 is a 400; valid UTF-8 passes', async () => {
    const send = (body: Buffer) => rawRequest(port, `POST /json HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: ${body.length}`, body)
    for (const bad of [Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3]), Buffer.from('"}')]), Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')])]) {
      const res = await send(bad)
      assert.equal(res.status, 400, bad.toString('hex'))
      assert.equal(JSON.parse(res.body).code, 'TAO_ERR_FORM_MALFORMED')
      assert.match(JSON.parse(res.body).message, /the JSON body is not valid UTF-8/)
    }
    const ok = await send(Buffer.from('{"a":"café ☕"}'))
    assert.equal(ok.status, 200)
    assert.deepEqual(JSON.parse(Buffer.from(ok.body, 'latin1').toString('utf8')).body, { a: 'café ☕' })
    const proto = await send(Buffer.from('{"__proto__":{"x":1}}'))
    assert.equal(proto.status, 400, 'Fastify\'s prototype-poisoning refusal is kept')
  })
})

describe('CSRF: Origin and Referer checks before the token, as Django', () => {
  let cookie = ''
  let token = ''
  before(async () => {
    const res = await get(port, '/token')
    token = res.body
    cookie = headerOf(res.head, 'set-cookie')!.split(';', 1)[0]!
  })

  const post = (headers: string, withToken = true): Promise<RawAnswer> =>
    rawRequest(port, `POST /submit HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\nAccept: application/json\r\nCookie: ${cookie}\r\nContent-Length: 0${withToken ? `\r\nX-CSRF-Token: ${token}` : ''}${headers}`)
  const https = '\r\nX-Forwarded-Proto: https'
  const refused = async (headers: string, code: string, message: RegExp) => {
    const res = await post(headers)
    assert.equal(res.status, 403, headers)
    const body = JSON.parse(res.body)
    assert.equal(body.code, code, headers)
    assert.match(body.message, message)
  }

  test('a valid token from the site itself, or a trusted origin, passes', async () => {
    for (const headers of ['', `\r\nOrigin: http://localhost:${port}`, '\r\nOrigin: https://app.trusted.test', '\r\nOrigin: https://shop.partner.test', `${https}\r\nOrigin: https://localhost:${port}`, `${https}\r\nReferer: https://localhost:${port}/form?x=1`, `${https}\r\nReferer: https://app.trusted.test/page`]) {
      assert.equal((await post(headers)).status, 200, headers)
    }
  })

  test('a foreign or opaque Origin is refused, naming the Origin check', async () => {
    for (const origin of ['https://evil.example', 'null', 'https://partner.test.evil.example', `https://localhost:${port}`, `http://localhost:${Number(port) + 1}`]) {
      await refused(`\r\nOrigin: ${origin}`, 'TAO_ERR_CSRF_ORIGIN_FORBIDDEN', /refused by the CSRF Origin check: its Origin '.*' is neither this site nor one of settings\.csrf\.trustedOrigins/)
    }
    await refused(`${https}\r\nOrigin: http://localhost:${port}`, 'TAO_ERR_CSRF_ORIGIN_FORBIDDEN', /CSRF Origin check/)
  })

  test('over HTTPS with no Origin, a missing or foreign Referer is refused, naming the Referer check', async () => {
    await refused(https, 'TAO_ERR_CSRF_REFERER_MISSING', /refused by the CSRF Referer check: an HTTPS request without an Origin header must carry a Referer/)
    await refused(`${https}\r\nReferer: https://evil.example/x`, 'TAO_ERR_CSRF_REFERER_FORBIDDEN', /its Referer \(https:\/\/evil\.example\) is neither this site/)
    await refused(`${https}\r\nReferer: http://localhost:${port}/form`, 'TAO_ERR_CSRF_REFERER_FORBIDDEN', /is not an HTTPS page/)
    await refused(`${https}\r\nReferer: not a url`, 'TAO_ERR_CSRF_REFERER_FORBIDDEN', /its Referer is malformed/)
  })

  test('the token is still required from an allowed origin', async () => {
    const res = await post(`\r\nOrigin: http://localhost:${port}`, false)
    assert.equal(res.status, 403)
    assert.equal(JSON.parse(res.body).code, 'TAO_ERR_CSRF_TOKEN_MISSING')
  })

  test('websocket Origin checks share the allowlist: trusted origins connect, others get 403', async () => {
    const upgrade = (origin: string) => get(port, '/live', `\r\nAccept: application/json\r\nOrigin: ${origin}`)
    assert.equal((await upgrade('https://evil.example')).status, 403)
    // Allowed: the request passes the Origin check and then lacks the Upgrade header.
    assert.equal((await upgrade('https://app.trusted.test')).status, 426)
    assert.equal((await upgrade(`http://localhost:${port}`)).status, 426)
  })
})

describe('bad values set by handlers answer tao\'s 500 page, never Node\'s text', () => {
  const cases: Array<[string, string]> = [
    ['/header?v=a%0d%0aSet-Cookie:%20pwned=1', 'x-note'],
    ['/header?v=%00', 'x-note'],
    ['/redirect?to=%2Fok%0d%0aSet-Cookie:%20pwned=1', 'location'],
    ['/redirect?to=%2F%E2%86%92', 'location'],
  ]
  for (const [path, header] of cases) {
    test(`GET ${path}`, async () => {
      const res = await get(port, path)
      assert.equal(res.status, 500)
      assert.match(res.body, /Something went wrong on our side/)
      assertClean(res, path)
      assert.doesNotMatch(res.head, /pwned/)
      const debug = await get(devPort, path, '\r\nAccept: application/json')
      assert.equal(debug.status, 500)
      assert.equal(JSON.parse(debug.body).code, 'TAO_ERR_REPLY_HEADER_INVALID')
      assert.match(JSON.parse(debug.body).message, new RegExp(`The handler of GET /(header|redirect) set the response header '${header}'`))
    })
  }
})
