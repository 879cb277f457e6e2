import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { isTaoError } from '../errors/index.js'
import { isSecretName, MASK, maskedHeaders, maskedSettings } from '../debug/mask.js'
import type { Settings } from '../settings/index.js'
import { kOwnContentPolicy } from '../symbols.js'

// The reply's kOwnContentPolicy slot is declared where it is read, by the security headers.
import type {} from '../security/plugin.js'

/** Frames of tao itself and of dependencies are collapsed: a user reads their own code first. */
export const FRAMEWORK_FRAME = /[\\/](node_modules|packages[\\/](core|cli|embedded-mongo))[\\/]|^node:/

/** Lines around `line` (1-based) of a template file, the failing one marked. */
function templateExcerpt (file: string, line: number, root: string): string | null {
  const path = isAbsolute(file) ? file : [resolve(file), join(root, file)].find((p) => existsSync(p))
  if (path === undefined || !existsSync(path)) return null
  const lines = readFileSync(path, 'utf8').split('\n')
  const from = Math.max(1, line - 4)
  const to = Math.min(lines.length, line + 4)
  const out: string[] = []
  for (let n = from; n <= to; n++) out.push(`${n === line ? '>' : ' '} ${String(n).padStart(4)} | ${lines[n - 1]}`)
  return out.join('\n')
}

/**
 * The debug error page (only ever called with settings.debug on): Youch's page with the cause
 * chain, source code around each frame (TypeScript lines, through the source maps tsx
 * registers), tao's and node_modules' frames collapsed, the request (cookies and
 * authorization masked), route, app, session keys, the template position of template errors,
 * and the settings with secrets masked. Its inline styles and scripts carry a nonce, and the
 * page's own CSP allows exactly those.
 */
export async function renderDevErrorPage (err: Error, req: FastifyRequest, reply: FastifyReply, settings: Settings): Promise<string> {
  // Imported here: only debug error pages need Youch, production boots never load it.
  const { Youch } = await import('youch')
  const youch = new Youch()
  youch.useTransformer((error) => {
    for (const frame of error.frames) {
      if (frame.fileName && FRAMEWORK_FRAME.test(frame.fileName)) frame.type = 'module'
    }
  })
  const config = req.routeOptions.config as { taoRoute?: string, taoApp?: string } | undefined
  const session = (req as { session?: { data?: () => Record<string, unknown> } }).session
  let sessionKeys: string[] = []
  try { sessionKeys = Object.keys(session?.data?.() ?? {}) } catch { /* no session on this request */ }
  const body = req.body !== null && typeof req.body === 'object' ? Object.keys(req.body as object) : []
  youch.metadata.group('Request', {
    Route: [
      { key: 'Route name', value: config?.taoRoute ?? '(none)' },
      { key: 'App', value: config?.taoApp ?? '(none)' },
      { key: 'Pattern', value: req.routeOptions.url ?? '(no route)' },
    ],
    Query: Object.entries(req.query as Record<string, unknown> ?? {}).map(([key, value]) => ({ key, value: isSecretName(key) ? MASK : value, dump: true })),
    'Body fields (names only)': [{ key: 'fields', value: body.join(', ') || '(none)' }],
    'Session keys': [{ key: 'keys', value: sessionKeys.join(', ') || '(none)' }],
  })
  const raw = isTaoError(err) ? err.details as { file?: string, line?: number, column?: number, template?: { file?: string, line?: number, column?: number } } : {}
  // An error raised inside a template (a missing include) carries the template's position apart.
  const details = raw.template ?? raw
  if (details.file && typeof details.line === 'number' && details.line > 0) {
    const excerpt = templateExcerpt(details.file, details.line, settings.root)
    youch.metadata.group('Template', {
      Position: [
        { key: 'File', value: details.file },
        { key: 'Line', value: `${details.line}${details.column ? `, column ${details.column}` : ''}` },
        ...(excerpt ? [{ key: 'Source', value: excerpt }] : []),
      ],
    })
  }
  const tried = isTaoError(err) ? (err.details as { tried?: readonly string[] }).tried : undefined
  if (tried?.length) youch.metadata.group('Template', { 'Tried, in order': tried.map((file, i) => ({ key: String(i + 1), value: file })) })
  const { root: _root, ...rest } = settings
  youch.metadata.group('Settings', { 'settings.ts (secrets masked)': [{ key: 'settings', value: maskedSettings(rest), dump: true }] })
  const nonce = randomBytes(16).toString('base64')
  // Youch places the failing line's highlight and the line numbers with style attributes,
  // which a nonce does not cover: style-src-attr allows them (styles only, never scripts).
  reply[kOwnContentPolicy] = `default-src 'none'; style-src 'self' 'nonce-${nonce}'; style-src-attr 'unsafe-inline'; script-src 'self' 'nonce-${nonce}'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`
  return await youch.toHTML(err, {
    title: `${(err as { code?: string }).code ?? err.name}: the error and where it happened`,
    cspNonce: nonce,
    request: { url: req.url, method: req.method, headers: maskedHeaders(req.headers) },
  })
}
