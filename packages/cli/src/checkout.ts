import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** The tao checkout (the repository with the packages/core workspace) containing `dir`, or null. */
export function taoCheckoutAround (dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const pkg = join(d, 'package.json')
    if (existsSync(pkg) && existsSync(join(d, 'packages', 'core', 'package.json'))) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }
        if (Array.isArray(json.workspaces) && json.workspaces.includes('packages/core')) return d
      } catch {}
    }
    if (dirname(d) === d) return null
  }
}
