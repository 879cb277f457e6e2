import { taoError } from '../errors/index.js'

/** A parsed `app:thing` name. `app` is null for project-level names (`base`, `css/site.css`). */
export interface ParsedName {
  readonly app: string | null
  readonly path: string
}

const APP_NAME = /^[a-z][a-z0-9_]*$/

/** Why `name` is not a valid app name, or null when it is. */
export function appNameProblem (name: string): string | null {
  if (!APP_NAME.test(name)) return 'it must be a lowercase identifier (a-z, 0-9, _; starting with a letter)'
  return null
}

/**
 * Why `path` is not a safe relative path inside a component folder, or null when it is.
 * Rejects what could reach outside the folder on any platform: `..` segments, absolute
 * paths, backslashes, NUL bytes, empty segments and dotfiles.
 */
export function relativePathProblem (path: string): string | null {
  if (path.length === 0) return 'it is empty'
  if (path.includes('\0')) return 'it contains a NUL byte'
  if (path.includes('\\')) return 'it contains a backslash'
  if (path.startsWith('/')) return 'it is an absolute path'
  if (/^[a-zA-Z]:/.test(path)) return 'it is an absolute path'
  for (const segment of path.split('/')) {
    if (segment === '..' || segment === '.') return `it contains a '${segment}' segment`
    if (segment === '') return 'it contains an empty segment'
    if (segment.startsWith('.')) return 'it names a dotfile'
  }
  return null
}

/**
 * Parses `app:path` (or a plain `path` for the project). Used by templates, static files and
 * route names alike, so one grammar runs through the framework.
 * @throws TAO_ERR_NAME_INVALID when the app label or the path is malformed.
 */
export function parseName (name: string, kind: string): ParsedName {
  if (typeof name !== 'string') throw taoError('TAO_ERR_NAME_INVALID', [kind, String(name), 'it is not a string'])
  const colon = name.indexOf(':')
  const app = colon === -1 ? null : name.slice(0, colon)
  const path = colon === -1 ? name : name.slice(colon + 1)
  if (app !== null) {
    const problem = appNameProblem(app)
    if (problem) throw taoError('TAO_ERR_NAME_INVALID', [kind, name, `the app label ${problem}`])
  }
  const problem = relativePathProblem(path)
  if (problem) throw taoError('TAO_ERR_NAME_INVALID', [kind, name, problem])
  return { app, path }
}
