import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Command } from 'commander'
import { findProject } from '../paths.js'

function testFiles (dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) testFiles(path, out)
    else if (/\.test\.(ts|mts|js|mjs)$/.test(entry)) out.push(path)
  }
  return out
}

/** `tao test`: the project's tests with Node's test runner, TypeScript through tsx. */
export function registerTest (program: Command): void {
  program.command('test')
    .description("run the project's tests (apps/*/test, test/) with Node's test runner")
    .argument('[files...]', 'only these test files')
    .action((files: string[]) => {
      const root = findProject()
      const list = files.length > 0 ? files : [...testFiles(join(root, 'apps')), ...testFiles(join(root, 'test'))].map((f) => relative(root, f))
      if (list.length === 0) {
        process.stderr.write('tao test: no test files found (apps/*/test/*.test.ts, test/*.test.ts)\n')
        process.exitCode = 1
        return
      }
      // A parent test runner's marker would make this one report in its child protocol.
      const { NODE_TEST_CONTEXT: _parent, ...env } = process.env
      const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--test', ...list], {
        cwd: root, stdio: 'inherit', env: { ...env, NODE_ENV: 'test' },
      })
      process.exitCode = result.status ?? 1
    })
}
