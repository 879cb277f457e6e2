import { randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { taoError } from '@tao/core'

/** Files whose content gets `%name%`-style placeholders filled in. */
const TEXT = /\.(ts|js|mjs|json|md|html|njk|css|txt|conf|service|example|env)$|^_gitignore$|^\.env/

/** Names that can never be project or app names. */
const RESERVED = new Set(['static', 'tao', 'node_modules', 'test', 'apps', 'templates', ...builtinModules])

/**
 * Why `name` cannot be a project or app name, or null. Names are lowercase identifiers that
 * clash with nothing tao or Node uses.
 */
export function nameProblem (name: string): string | null {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) return 'use a lowercase identifier: a-z, 0-9 and _, starting with a letter'
  if (RESERVED.has(name)) return `'${name}' is reserved (it clashes with a name tao or Node.js uses)`
  return null
}

/** Validates `name` for `kind`. @throws TAO_ERR_CLI_INVALID_NAME */
export function assertName (kind: 'project' | 'app', name: string): void {
  const problem = nameProblem(name)
  if (problem) throw taoError('TAO_ERR_CLI_INVALID_NAME', [kind, name, problem])
}

/** A fresh random 32-byte key, hex encoded. */
export function newSecretKey (): string {
  return randomBytes(32).toString('hex')
}

function walk (dir: string, out: string[] = [], base = dir): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) walk(path, out, base)
    else out.push(relative(base, path))
  }
  return out.sort()
}

/** `a/__name__.test.ts.tpl` → `a/blog.test.ts`; `_gitignore` → `.gitignore`. */
function targetPath (rel: string, vars: Record<string, string>): string {
  let out = rel.replace(/\.tpl$/, '').replace(/(^|\/)_gitignore$/, '$1.gitignore')
  for (const [k, v] of Object.entries(vars)) out = out.split(`__${k}__`).join(v)
  return out
}

function fill (text: string, vars: Record<string, string>): string {
  return text.replace(/%([a-z_]+)%/g, (m, key: string) => vars[key] ?? m)
}

/**
 * Copies a scaffolding template to `target`, which must not exist. Files are written to a
 * temporary folder beside it and moved into place in one rename, so a failure leaves nothing.
 * Returns the created files, relative to `target`.
 * @throws TAO_ERR_CLI_TARGET_EXISTS
 */
export function scaffold (template: string, target: string, vars: Record<string, string>, extra: Record<string, string> = {}): string[] {
  if (existsSync(target)) throw taoError('TAO_ERR_CLI_TARGET_EXISTS', [target])
  mkdirSync(dirname(target), { recursive: true })
  const tmp = mkdtempSync(join(dirname(target), '.tao-new-'))
  try {
    const created: string[] = []
    for (const rel of walk(template)) {
      const dest = targetPath(rel, vars)
      const file = join(tmp, dest)
      mkdirSync(dirname(file), { recursive: true })
      if (TEXT.test(rel.replace(/\.tpl$/, '').split('/').pop()!)) {
        writeFileSync(file, fill(readFileSync(join(template, rel), 'utf8'), vars))
      } else {
        cpSync(join(template, rel), file)
      }
      created.push(dest)
    }
    for (const [rel, content] of Object.entries(extra)) {
      writeFileSync(join(tmp, rel), content)
      created.push(rel)
    }
    renameSync(tmp, target)
    return created.sort()
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    throw err
  }
}
