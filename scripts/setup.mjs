// `npm run setup`: puts the `tao` command of this checkout on the PATH of the machine (npm link
// of packages/cli), so that `tao new -p NAME` works from any folder. Run `npm ci` first.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

const cli = new URL('../packages/cli/', import.meta.url).pathname
if (!existsSync(join(cli, 'dist', 'main.js'))) {
  console.error('setup: packages/cli is not built; run `npm ci` in the checkout first.')
  process.exit(1)
}
const link = spawnSync('npm', ['link', '--no-audit', '--no-fund'], { cwd: cli, stdio: 'inherit' })
if (link.status !== 0) {
  console.error('setup: `npm link` failed (see above). Without rights on npm\'s global folder, run `npm config set prefix ~/.local` and try again.')
  process.exit(link.status ?? 1)
}
const bin = join(spawnSync('npm', ['prefix', '-g'], { encoding: 'utf8' }).stdout.trim(), 'bin')
const onPath = (process.env.PATH ?? '').split(delimiter).includes(bin)
console.log(`\ntao is linked as ${join(bin, 'tao')}${onPath ? '' : ` (add ${bin} to your PATH)`}.`)
console.log('Make a project outside this checkout:\n  cd ~ && tao new -p site && cd site && npm run dev')
console.log('Undo with: npm unlink -g @tao/cli')
