// A real nginx in front of `tao start --socket`, configured by the project template's own
// deploy/nginx.conf (paths moved to a temporary folder, listening on 127.0.0.1 only, plus a
// TLS listener as certbot would add): a page, a static file through the alias, a websocket
// through the proxy, and X-Forwarded-* that make the session cookie Secure behind HTTPS.
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import { WebSocket } from 'ws'
import { freePort } from '../../core/test/support/ports.js'
import { startTao, tao, until, type Server } from './helpers.js'

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p))
const skip = NGINX ? false : 'nginx is not installed (apt-get install -y nginx; .ci/run installs it): the reverse-proxy suite is skipped'
const hasOpenssl = spawnSync('openssl', ['version']).status === 0

const tmp = mkdtempSync(join(tmpdir(), 'tao-nginx-'))
const site = join(tmp, 'site')
const sock = join(tmp, 'run', 'tao.sock')
const prefix = join(tmp, 'nginx')
let port = 0
let tlsPort = 0
let server: Server | undefined
let nginx: ChildProcess | undefined
let nginxLog = ''

const APP_ROUTES = `import { route, ws } from '@tao/core'
import * as views from './views.js'

export default [
  route('GET', '/whoami', views.whoami, 'whoami'),
  route('GET', '/login', views.login, 'login'),
  ws('/echo', views.echo, 'echo'),
]
`
const APP_VIEWS = `import type { Request, TaoSocket } from '@tao/core'

export async function whoami (req: Request) {
  return { ip: req.ip, protocol: req.protocol, host: req.host }
}

export async function login (req: Request) {
  req.session.set('user', 'ann')
  return { user: 'ann' }
}

export function echo (socket: TaoSocket) {
  socket.on('message', (data) => socket.send(\`echo: \${data.toString()}\`))
}
`

/** The template's site config, moved to the temporary folder and to 127.0.0.1 ports. */
function siteConfig (): string {
  let text = readFileSync(join(site, 'deploy', 'nginx.conf'), 'utf8')
    .replaceAll('/srv/site', site)
    .replaceAll('/run/site/tao.sock', sock)
    .replace(/^\s*listen \[::\]:80;\n/m, '')
  const tls = hasOpenssl
    ? `\n    listen 127.0.0.1:${tlsPort} ssl;\n    ssl_certificate ${join(prefix, 'cert.pem')};\n    ssl_certificate_key ${join(prefix, 'key.pem')};`
    : ''
  text = text.replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};${tls}`)
  assert.match(text, new RegExp(`listen 127\\.0\\.0\\.1:${port};`))
  return text
}

function mainConfig (): string {
  return [
    'daemon off;',
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} warn;`,
    'events { worker_connections 512; }',
    'http {',
    ...(existsSync('/etc/nginx/mime.types') ? ['  include /etc/nginx/mime.types;'] : []),
    '  default_type application/octet-stream;',
    `  access_log ${join(prefix, 'access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(prefix, `${t}_temp`)};`),
    `  include ${join(prefix, 'site.conf')};`,
    '}',
  ].join('\n') + '\n'
}

interface Got { status: number, body: string, headers: Record<string, string | string[] | undefined> }

async function http (path: string): Promise<Got> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  return { status: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) }
}

/** The response header lines of GET `path`, as nginx wrote them (fetch would merge repeats). */
function rawHeaders (path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`))
    let data = ''
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => { data += d })
    socket.on('end', () => resolve(data.split('\r\n\r\n')[0]!.split('\r\n').slice(1)))
    socket.on('error', reject)
  })
}

function https (path: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: tlsPort, path, rejectUnauthorized: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

before(async () => {
  if (skip) return
  port = await freePort()
  tlsPort = await freePort()
  // 1. A new project, the checkout's packages standing in for `npm install`, and an app
  //    with a websocket and a session.
  const created = tao(['new', '-p', 'site', '--no-install'], tmp)
  assert.equal(created.status, 0, created.stderr)
  symlinkSync(fileURLToPath(new URL('../../../node_modules', import.meta.url)), join(site, 'node_modules'))
  mkdirSync(join(site, 'apps', 'live'))
  writeFileSync(join(site, 'apps', 'live', 'routes.ts'), APP_ROUTES)
  writeFileSync(join(site, 'apps', 'live', 'views.ts'), APP_VIEWS)
  // 2. Static files where deploy/nginx.conf aliases them.
  const collected = tao(['collectstatic'], site)
  assert.equal(collected.status, 0, collected.stdout + collected.stderr)
  // 3. tao on the socket; nginx (a unix-socket peer) is trusted for X-Forwarded-*.
  server = await startTao(['start', '--socket', sock, '--socket-mode', '660'], site, { NODE_ENV: 'production', TAO_TRUST_PROXY: 'unix', TAO_LOG_LEVEL: 'warn' })
  // 4. nginx with its own prefix, config, pid and logs, in the foreground.
  mkdirSync(prefix, { recursive: true })
  if (hasOpenssl) {
    const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(prefix, 'key.pem'), '-out', join(prefix, 'cert.pem')], { encoding: 'utf8' })
    assert.equal(cert.status, 0, cert.stderr)
  }
  writeFileSync(join(prefix, 'site.conf'), siteConfig())
  writeFileSync(join(prefix, 'nginx.conf'), mainConfig())
  const conf = spawnSync(NGINX!, ['-t', '-p', `${prefix}/`, '-c', join(prefix, 'nginx.conf')], { encoding: 'utf8' })
  assert.equal(conf.status, 0, `nginx -t: ${conf.stderr}`)
  nginx = spawn(NGINX!, ['-p', `${prefix}/`, '-c', join(prefix, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] })
  nginx.stderr!.on('data', (d: Buffer) => { nginxLog += d.toString() })
  await until(async () => (await http('/')).status === 200, 30_000, `nginx on 127.0.0.1:${port}`)
})

after(async () => {
  if (nginx && nginx.exitCode === null) {
    nginx.kill('SIGQUIT')
    await new Promise((resolve) => { nginx!.once('exit', resolve); setTimeout(resolve, 10_000) })
  }
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM')
    await server.exited
  }
  rmSync(tmp, { recursive: true, force: true })
})

test('nginx proxies pages to tao on its unix socket', { skip }, async () => {
  const home = await http('/about')
  assert.equal(home.status, 200, nginxLog)
  assert.match(home.body, /About site/)
  assert.equal(home.headers.server?.toString().startsWith('nginx'), true)
  const missing = await http('/nope')
  assert.equal(missing.status, 404)
  assert.match(missing.body, /404/)
})

test('nginx serves /static/ from the collectstatic output itself', { skip }, async () => {
  const file = join(site, 'var', 'static', 'static', 'css', 'site.css')
  assert.ok(existsSync(file), 'tao collectstatic wrote var/static')
  const css = await http('/static/static/css/site.css')
  assert.equal(css.status, 200)
  assert.equal(css.body, readFileSync(file, 'utf8'))
  assert.match(String(css.headers['content-type']), /^text\/css/)
  // The alias location answered (nginx, not tao): an unhashed URL is kept one hour ...
  assert.equal(css.headers['cache-control'], 'public, max-age=3600')
  // ... and the content-hashed URL the templates write is immutable, with one Cache-Control.
  const hashed = /href="(\/static\/static\/css\/site\.css\?v=[0-9a-f]+)"/.exec((await http('/about')).body)
  assert.ok(hashed, 'the page links its stylesheet by content hash')
  const raw = await rawHeaders(hashed[1]!)
  assert.equal(raw.filter((h) => /^cache-control:/i.test(h)).length, 1, raw.join('\n'))
  assert.ok(raw.includes('Cache-Control: public, max-age=31536000, immutable'), raw.join('\n'))
  assert.equal((await http('/static/static/css/none.css')).status, 404)
})

test('X-Forwarded-For/Proto/Host reach tao from nginx on the socket', { skip }, async () => {
  const who = JSON.parse((await http('/live/whoami')).body)
  assert.deepEqual(who, { ip: '127.0.0.1', protocol: 'http', host: '127.0.0.1' })
})

test('behind HTTPS the session cookie is Secure, thanks to X-Forwarded-Proto', { skip: skip || (hasOpenssl ? false : 'openssl is not installed: no TLS listener') }, async () => {
  const secure = await https('/live/login')
  assert.equal(secure.status, 200)
  const cookie = String(secure.headers['set-cookie'])
  assert.match(cookie, /^tao_session=/)
  assert.match(cookie, /; Secure/i)
  assert.match(cookie, /; HttpOnly/i)
  assert.equal(JSON.parse((await https('/live/whoami')).body).protocol, 'https')
  const plain = await fetch(`http://127.0.0.1:${port}/live/login`)
  assert.doesNotMatch(String(plain.headers.get('set-cookie')), /Secure/i, 'over plain HTTP it is not')
})

test('a websocket works through the proxy (Upgrade and Connection passed on)', { skip }, async () => {
  const origin = `http://127.0.0.1:${port}`
  const socket = new WebSocket(`ws://127.0.0.1:${port}/live/echo`, { headers: { origin } })
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject) })
  const reply = new Promise<string>((resolve) => socket.once('message', (d) => resolve(d.toString())))
  socket.send('through nginx')
  assert.equal(await reply, 'echo: through nginx')
  // At shutdown tao closes it with 1001, and nginx passes the close frame on.
  const closed = new Promise<number>((resolve) => socket.once('close', resolve))
  server!.child.kill('SIGTERM')
  assert.equal(await closed, 1001)
  assert.equal(await server!.exited, 0)
  assert.equal((await http('/')).status, 502, 'nginx answers 502 once tao is gone')
})

const SYSTEMD_ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p))

test('systemd-analyze verify accepts the generated unit', { skip: SYSTEMD_ANALYZE ? false : 'systemd-analyze is not installed: the unit is not verified' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tao-unit-'))
  try {
    const created = tao(['new', '-p', 'unit', '--no-install'], dir)
    assert.equal(created.status, 0, created.stderr)
    const r = spawnSync(SYSTEMD_ANALYZE!, ['verify', join(dir, 'unit', 'deploy', 'unit.service')], { encoding: 'utf8' })
    // Lines about the machine (no /srv/unit here, no such user) are not the unit's fault.
    const problems = (r.stdout + r.stderr).split('\n').filter((l) => l.trim() && !/\/srv\/unit|User=|Failed to .*dbus|Unknown user/i.test(l))
    assert.deepEqual(problems, [], r.stdout + r.stderr)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
