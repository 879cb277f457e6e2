import { realpathSync } from 'node:fs'
import { realpath } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'

/** True when `child` is `dir` itself or lies below it (on resolved paths, not a prefix test). */
export function isInside (dir: string, child: string): boolean {
  return child === dir || child.startsWith(dir.endsWith(sep) ? dir : dir + sep)
}

/**
 * Joins a validated relative path to a component folder and returns the real file path, or
 * null when the result would leave the folder: through `..`, or through a symlink that points
 * outside it. `realDir` must already be a real path (computed once at boot).
 */
export async function resolveWithin (realDir: string, relPath: string): Promise<string | null> {
  const joined = resolve(realDir, relPath)
  if (!isInside(realDir, joined)) return null
  let real: string
  try {
    real = await realpath(joined)
  } catch {
    return null
  }
  return isInside(realDir, real) ? real : null
}

/** Synchronous {@link resolveWithin}, for loaders that must answer synchronously. */
export function resolveWithinSync (realDir: string, relPath: string): string | null {
  const joined = resolve(realDir, relPath)
  if (!isInside(realDir, joined)) return null
  let real: string
  try {
    real = realpathSync(joined)
  } catch {
    return null
  }
  return isInside(realDir, real) ? real : null
}

/** A path as shown in messages: relative to the project root when inside it, else absolute. */
export function displayPath (root: string, file: string): string {
  const rel = relative(root, file)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : file
}

/**
 * The real paths of component folders (templates/, static/), looked up once. With `cache` off
 * (development) a folder that did not exist is looked up again, so one created while the
 * server runs is found without a restart.
 */
export class RealDirs {
  readonly #cache: boolean
  readonly #real = new Map<string, string | null>()

  constructor (cache: boolean) {
    this.#cache = cache
  }

  /** The real path of `dir`, or null when it does not exist. */
  get (dir: string): string | null {
    const known = this.#real.get(dir)
    if (known !== undefined && (known !== null || this.#cache)) return known
    let real: string | null = null
    try {
      real = realpathSync(dir)
    } catch {}
    this.#real.set(dir, real)
    return real
  }
}
