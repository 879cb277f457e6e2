import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join, relative, sep } from 'node:path'
import { isTaoError } from '../errors/index.js'
import { FRAMEWORK_FRAME } from './dev-error-page.js'

/** A place in the project's own code: absolute file, 1-based line and column. */
export interface CodePlace {
  file: string
  line: number
  column: number
}

// esbuild (through tsx) and V8 name a place as /abs/file.ts:LINE:COLUMN (or file:///…).
const PLACE = /(?:file:\/\/)?(\/[^\s:'"()]+\.(?:ts|mts|cts|tsx|js|mjs|cjs|json)):(\d+):(\d+)/g

function inProject (file: string, root: string): boolean {
  return file.startsWith(root + sep) && !file.includes(`${sep}node_modules${sep}`)
}

/** The line of `export default` in `file`, or 1: where a module whose export is wrong is shown. */
function exportLine (file: string): number {
  const at = readFileSync(file, 'utf8').split('\n').findIndex((l) => /^export default\b/.test(l))
  return at === -1 ? 1 : at + 1
}

/**
 * The first place in the project's own code that `err` (or one of its causes) names: a frame of
 * its stack, a place in its message (a syntax error from the TypeScript compiler), or the
 * file a TaoError's details name. Null when it names none (a problem of the environment).
 */
export function findUserPlace (err: unknown, root: string): CodePlace | null {
  const chain: unknown[] = []
  for (let e: unknown = err; e !== undefined && e !== null && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e)
  for (const e of chain) {
    const text = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e)
    for (const m of text.matchAll(PLACE)) {
      if (inProject(m[1]!, root) && existsSync(m[1]!)) return { file: m[1]!, line: Number(m[2]), column: Number(m[3]) }
    }
  }
  for (const e of chain) {
    const details = isTaoError(e) ? e.details as { file?: unknown, line?: unknown } : {}
    if (typeof details.file !== 'string') continue
    const file = isAbsolute(details.file) ? details.file : join(root, details.file)
    if (!inProject(file, root) || !existsSync(file)) continue
    return { file, line: typeof details.line === 'number' && details.line > 0 ? details.line : exportLine(file), column: 1 }
  }
  return null
}

/** Lines around `line` of `file`, as Youch's frames carry them. */
function sourceChunks (file: string, line: number): Array<{ chunk: string, lineNumber: number }> {
  const lines = readFileSync(file, 'utf8').split('\n')
  const from = Math.max(1, line - 5)
  const to = Math.min(lines.length, line + 5)
  const out: Array<{ chunk: string, lineNumber: number }> = []
  for (let n = from; n <= to; n++) out.push({ chunk: lines[n - 1]!, lineNumber: n })
  return out
}

/** The boot error page and the Content-Security-Policy that lets exactly its nonce'd styles and scripts run. */
export interface BootErrorPage {
  html: string
  contentSecurityPolicy: string
  place: CodePlace | null
}

/**
 * The page `tao dev` serves while the project cannot start (a syntax error, a throw in
 * routes.ts or settings.ts, a bad template folder …): the debug error page's Youch, with the
 * cause chain and the project's own failing line as the first, expanded frame, even when the
 * error comes from the compiler or from tao's checks (whose stacks hold only tao's frames);
 * tao's, node_modules' and Node's frames collapsed. It reloads itself every 2 s, so it turns
 * into the site once the fix is saved and `tao dev` has restarted the server.
 */
export async function renderBootErrorPage (err: unknown, root: string): Promise<BootErrorPage> {
  const place = findUserPlace(err, root)
  // Youch (and its highlighter) is imported only when a boot fails, not by every boot.
  const { Youch } = await import('youch')
  const youch = new Youch()
  youch.useTransformer((error) => {
    for (const frame of error.frames) {
      if (frame.fileName && FRAMEWORK_FRAME.test(frame.fileName)) frame.type = 'module'
    }
    if (place === null) return
    const first = error.frames.find((f) => f.type === 'app')
    if (first?.fileName === place.file && first.lineNumber === place.line) return
    error.frames.unshift({ fileName: place.file, lineNumber: place.line, columnNumber: place.column, type: 'app', fileType: 'fs', source: sourceChunks(place.file, place.line), raw: `${place.file}:${place.line}:${place.column}` })
  })
  youch.metadata.group('tao dev', {
    'The project did not start': [
      { key: 'Where', value: place ? `${relative(root, place.file)}, line ${place.line}` : '(not in the project\'s files: see the message)' },
      { key: 'What to do', value: 'Fix the code and save: tao dev restarts the server, and this page reloads by itself.' },
    ],
  })
  const nonce = randomBytes(16).toString('base64')
  const error = err instanceof Error ? err : new Error(String(err))
  let html = await youch.toHTML(error, {
    title: `${(error as { code?: string }).code ?? error.name}: the project did not start`,
    cspNonce: nonce,
  })
  html = html.replace(/<head>/i, '<head>\n<meta http-equiv="refresh" content="2">')
  // Youch places the failing line's highlight and the line numbers with style attributes,
  // which a nonce does not cover: style-src-attr allows them (styles only, never scripts).
  return {
    html,
    place,
    contentSecurityPolicy: `default-src 'none'; style-src 'nonce-${nonce}'; style-src-attr 'unsafe-inline'; script-src 'nonce-${nonce}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  }
}
