import { readFileSync } from 'node:fs'
import { isTaoError, TaoError, taoError } from '../errors/index.js'

/** What Nunjucks attaches to its errors (lib.TemplateError). */
interface NunjucksError extends Error {
  lineno?: number
  colno?: number
  cause?: unknown
}

/**
 * A compile (lexer or parser) error as TAO_ERR_TEMPLATE_SYNTAX. Nunjucks reports these with
 * 1-based line and column and no cause.
 */
export function syntaxError (err: unknown, file: string, name: string): TaoError {
  const e = err as NunjucksError
  const reason = String(e?.message ?? err).replace(/^\([^)]*\)( \[[^\]]*\])?\n\s*/, '')
  return taoError('TAO_ERR_TEMPLATE_SYNTAX', [file, e?.lineno ?? 0, e?.colno ?? 0, reason], { file, line: e?.lineno, column: e?.colno, name }, { cause: err })
}

// Nunjucks prefixes "(file) [Line n, Column m]" once per template the error passed through;
// the innermost one carrying a line is where it happened.
const LOCATION = /\(([^()\n]+)\) \[Line (\d+)(?:, Column (\d+))?\]/g

function locate (message: string, fallbackFile: string): { file: string, line: number, column: number } {
  let found: RegExpExecArray | null = null
  for (const m of message.matchAll(LOCATION)) found = m
  if (!found) return { file: fallbackFile, line: 0, column: 0 }
  // Runtime positions are 0-based in Nunjucks; show them 1-based like the editor does.
  return { file: found[1]!, line: Number(found[2]) + 1, column: found[3] === undefined ? 0 : Number(found[3]) + 1 }
}

/**
 * Where the quoted `name` first appears in `file`: Nunjucks keeps no position for
 * include, extends, import and from tags, so a missing template is found in the source.
 */
function findName (file: string, name: string): { line: number, column: number } | null {
  let src: string
  try {
    src = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  const lines = src.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const col = Math.max(lines[i]!.indexOf(`"${name}"`), lines[i]!.indexOf(`'${name}'`))
    if (col !== -1) return { line: i + 1, column: col + 1 }
  }
  return null
}

/**
 * A render-time error as a TaoError: a TaoError raised inside the template (a missing
 * template, an unknown route in url(), a missing static file) keeps its code and details and
 * gains the template position; anything else becomes TAO_ERR_TEMPLATE_RENDER.
 * @param display turns a real file path into the form shown in messages.
 */
export function renderError (err: unknown, fallbackFile: string, display: (file: string) => string): TaoError {
  let root: unknown = err
  while (root instanceof Error && (root as NunjucksError).cause instanceof Error && !isTaoError(root)) root = (root as NunjucksError).cause
  const where = locate(String((err as Error)?.message ?? ''), fallbackFile)
  if (where.line === 0 && isTaoError(root) && typeof root.details.name === 'string') Object.assign(where, findName(where.file, root.details.name))
  const file = display(where.file)
  const at = where.line > 0 ? `${file}, line ${where.line}` : file
  if (isTaoError(root)) {
    if (root.details.template !== undefined || root === err) return root
    return new TaoError(root.code, `${root.message} (in ${at})`, root.statusCode,
      { ...root.details, template: { file, line: where.line, column: where.column } }, { cause: root })
  }
  const reason = root instanceof Error ? root.message : String(root)
  return taoError('TAO_ERR_TEMPLATE_RENDER', [file, where.line, where.column, reason], { file, line: where.line, column: where.column }, { cause: err })
}
