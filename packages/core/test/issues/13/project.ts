// The project the #13 regressions attack: one app with static files, templates that misbehave,
// forms, uploads and handlers that set bad headers.
export const SECRET_KEY = '9c1be2a51f08a9e7d44c0f7a53b6e1c2d87f5a30c4e9b1d6f2a8c7e05b3d9f41'

export const files: Record<string, string> = {
  'settings.ts': `import { defineSettings } from '@tao/core'
export default defineSettings({
  secretKey: '${SECRET_KEY}',
  allowedHosts: ['localhost', '127.0.0.1'],
  server: { trustProxy: ['loopback'] },
  forms: { maxFileSize: '1mb', maxFiles: 2, maxFields: 20, maxFieldSize: '16kb' },
  templates: { maxOutput: '1mb' },
  csrf: { trustedOrigins: ['https://app.trusted.test', 'https://*.partner.test'] },
})
`,
  'apps/site/routes.ts': `import { route, ws } from '@tao/core'
import * as v from './views.js'
export const prefix = ''
export default [
  route('GET', '/admin/echo', v.echoUrl, 'admin_echo'),
  route('GET', '/header', v.badHeader, 'header'),
  route('GET', '/redirect', v.badRedirect, 'redirect'),
  route('GET', '/render/:name', v.render, 'render'),
  route('GET', '/token', v.token, 'token'),
  route(['POST', 'DELETE'], '/submit', v.echo, 'submit'),
  route('POST', '/upload', v.upload, { name: 'upload', csrf: false }),
  route('POST', '/json', v.echo, { name: 'json', csrf: false }),
  ws('/live', v.live, 'live'),
]
`,
  'apps/site/views.ts': `import { UploadedFile, type Reply, type Request } from '@tao/core'
export async function echoUrl (req: Request) { return { url: req.url } }
export async function badHeader (req: Request, reply: Reply) {
  reply.header('x-note', (req.query as { v: string }).v)
  return { ok: true }
}
export async function badRedirect (req: Request, reply: Reply) {
  return reply.redirect((req.query as { to: string }).to)
}
export async function render (req: Request, reply: Reply) {
  const size = Number((req.query as { size?: string }).size ?? 0)
  return reply.render('site:' + (req.params as { name: string }).name, { big: 'x'.repeat(size), user: { name: 'ann' } })
}
export function live (socket: { send (s: string): void }) { socket.send('hi') }
export async function token (_req: Request, reply: Reply) { return reply.render('site:token') }
export async function echo (req: Request) { return { body: req.body ?? null } }
export async function upload (req: Request) {
  const body = (req.body ?? {}) as Record<string, unknown>
  return { files: Object.values(body).filter((f) => f instanceof UploadedFile).length }
}
`,
  'apps/site/static/sub/ok.css': 'body { color: green }\n',
  'apps/site/static/admin/x.js': 'console.log("admin")\n',
  'apps/site/templates/token.html': '{{ csrf_token() }}',
  'apps/site/templates/include-up.html': '{% include "../../secret" %}',
  'apps/site/templates/extends-abs.html': '{% extends "/etc/passwd" %}',
  'apps/site/templates/import-app-up.html': '{% import "site:../../secret" as m %}',
  'apps/site/templates/from-unknown.html': '{% from "nope:x" import y %}',
  'apps/site/templates/polluted.html': '[{{ polluted }}][{% if is_admin %}ctx-admin{% endif %}][{{ user.polluted }}][{% if user.is_admin %}user-admin{% endif %}][{% if "is_admin" in user %}in{% endif %}][{{ user.name }}]',
  'apps/site/templates/big.html': '<p>{{ big }}</p>',
  'apps/site/templates/loop.html': '{% for i in range(0, 200000) %}<td>cell</td>{% endfor %}',
  'secret.html': 'TOP-SECRET',
}
