// The auth app in a real browser (Chromium): log in through the real form, open a protected
// page, log out with the page's button; then the session cookie copied before the logout,
// replayed by a raw client (node:net), is anonymous.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { createUser, type TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'
import { launch, openPage, skip } from './helpers.js'

let browser: Browser
let app: TaoApp
let base = ''

before(async () => {
  if (skip) return
  app = await createTestApp({ root: fixture('auth-site') })
  await createUser(app, { username: 'ann', email: 'ann@example.com', password: 'correct horse battery' })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
  browser = await launch()
})

after(async () => {
  await browser?.close()
  await app?.close()
})

/** GET `path` over a raw socket with `cookie`; returns the status line and body. */
function rawGet (path: string, cookie: string): Promise<string> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`)
    })
    let data = ''
    socket.setTimeout(10_000, () => { socket.destroy(); reject(new Error('no answer within 10 s')) })
    socket.on('data', (c: Buffer) => { data += c.toString() })
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })
}

test('login through the form, protected page, logout; the pre-logout cookie replayed is anonymous', { skip, timeout: 60_000 }, async () => {
  const { context, page, complaints } = await openPage(browser)
  try {
    // A protected page sends the anonymous visitor to the login form, with next.
    await page.goto(`${base}/secret`)
    assert.equal(new URL(page.url()).pathname, '/accounts/login/')
    assert.equal(new URL(page.url()).searchParams.get('next'), '/secret')
    await page.fill('#id_username', 'ann')
    await page.fill('#id_password', 'correct horse battery')
    await Promise.all([page.waitForURL(`${base}/secret`), page.click('button[type=submit]')])
    assert.deepEqual(JSON.parse(await page.locator('body').innerText()), { secret: true, user: 'ann' })

    const cookies = await context.cookies(base)
    const session = cookies.find((c) => c.name === 'tao_session')
    assert.ok(session, 'the session cookie is set')
    assert.equal(session.httpOnly, true)
    const copied = `tao_session=${session.value}`
    assert.match(await rawGet('/secret', copied), /^HTTP\/1\.1 200 /, 'the copied cookie works while logged in')

    await page.goto(`${base}/`)
    assert.equal(await page.locator('#who').innerText(), 'Hello ann')
    await Promise.all([page.waitForURL(`${base}/`), page.click('text=Log out')])
    assert.equal(await page.locator('#who').innerText(), 'Hello stranger')

    const replay = await rawGet('/secret', copied)
    assert.match(replay, /^HTTP\/1\.1 401 /, replay.split('\r\n')[0])
    assert.match(replay, /TAO_ERR_AUTH_LOGIN_REQUIRED/)
    assert.deepEqual(complaints, { errors: [], exceptions: [], violations: [] })
  } finally {
    await context.close()
  }
})
