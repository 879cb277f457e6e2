import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import type { Command } from 'commander'
import { taoError } from '@tao/core'
import { taoCheckoutAround } from '../checkout.js'
import { npmInstall, npmRegistry } from '../install.js'
import { writeProjectLock } from '../lockfile.js'
import { isProject, scaffoldDir } from '../paths.js'
import { assertName, newSecretKey, scaffold } from '../scaffold.js'
import { vendorTao } from '../vendor.js'

interface NewOptions {
  project?: string
  startproject?: string
  app?: string
  startapp?: string
  taoVersion?: string
  install: boolean
}

const say = (line: string) => process.stdout.write(`${line}\n`)

/** Points package.json's @tao/* dependencies at `deps` (vendored tarballs or registry ranges). */
export function setTaoDependencies (project: string, deps: Record<string, string>): void {
  const file = join(project, 'package.json')
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { dependencies: Record<string, string> }
  for (const name of Object.keys(pkg.dependencies)) if (name.startsWith('@tao/')) delete pkg.dependencies[name]
  pkg.dependencies = Object.fromEntries(Object.entries({ ...deps, ...pkg.dependencies }).sort(([a], [b]) => a.localeCompare(b)))
  writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n')
}

function newProject (name: string, opts: NewOptions): void {
  assertName('project', name)
  const target = resolve(name)
  const checkout = taoCheckoutAround(dirname(target))
  if (checkout) throw taoError('TAO_ERR_CLI_INSIDE_CHECKOUT', [dirname(target)])
  if (existsSync(target)) throw taoError('TAO_ERR_CLI_TARGET_EXISTS', [target])
  const shown = relative(process.cwd(), target) || '.'
  const started = Date.now()
  say(`[1/3] copying the project template to ${shown}/ ...`)
  const created = scaffold(scaffoldDir('project'), target, { project_name: name, node: process.execPath }, {
    '.env': `# Local settings for ${name}. Never commit this file.\nTAO_SECRET_KEY=${newSecretKey()}\n`,
    '.env.example': '# Copy to .env and fill in. Make a key with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))"\nTAO_SECRET_KEY=\n',
  })
  for (const file of created) say(`created ${shown}/${file}`)
  if (opts.taoVersion) {
    say(`[2/3] depending on tao ${opts.taoVersion} from the npm registry`)
    setTaoDependencies(target, { '@tao/core': `^${opts.taoVersion}`, '@tao/cli': `^${opts.taoVersion}` })
  } else {
    say(`[2/3] packing this tao into ${shown}/vendor/ (the project needs no tao checkout and no registry for it) ...`)
    const vendored = vendorTao(target)
    setTaoDependencies(target, vendored.dependencies)
    for (const dep of Object.values(vendored.dependencies)) say(`created ${shown}/${dep.slice('file:'.length)}`)
    if (writeProjectLock(target, vendored.packages, npmRegistry())) say(`created ${shown}/package-lock.json (the versions this tao was installed and tested with)`)
  }
  if (opts.install) {
    say('[3/3] installing dependencies ...')
    if (!npmInstall(target, shown, say)) {
      process.stderr.write(`tao: npm install failed in ${shown}; the project is there: fix the cause and run \`npm install\` in it.\n`)
      process.exitCode = 1
      return
    }
  } else {
    say('[3/3] skipped npm install (--no-install)')
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  say(`\nProject ${name} is ready in ${shown}/ (${seconds} s). Next:\n  cd ${shown}${opts.install ? '' : ' && npm install'}\n  npm run dev          development server with reload: http://127.0.0.1:8080/\n  npx tao new -a blog  add an app\n  npm test             the project's tests`)
}

function newApp (name: string): void {
  assertName('app', name)
  const root = process.cwd()
  if (!isProject(root)) throw taoError('TAO_ERR_CLI_NOT_A_PROJECT', [root])
  const target = resolve(root, 'apps', name)
  const created = scaffold(scaffoldDir('app'), target, { app_name: name, name })
  for (const file of created) say(`created apps/${name}/${file}`)
  say(`\nApp ${name} is ready at /${name}/. Next:
  npm run dev   (then open http://127.0.0.1:8080/${name}/)
  Link it from a page (a template), by its route name:
    <a href="{{ url('${name}:index') }}">${name}</a>
  or from a view: reply.redirectTo('${name}:index')`)
}

/** `tao new -p NAME` / `tao new -a NAME`. */
export function registerNew (program: Command): void {
  program.command('new')
    .description('create a project (-p NAME) in a new folder, or an app (-a NAME) inside the current project')
    .argument('[name]', 'give it with -p (project) or -a (app)')
    .option('-p, --project <name>', 'create a project in ./NAME, with tao packed into NAME/vendor/')
    .option('--startproject <name>', 'same as --project')
    .option('-a, --app <name>', 'create an app in apps/NAME of the current project')
    .option('--startapp <name>', 'same as --app')
    .option('--tao-version <version>', 'depend on this registry version of @tao/core and @tao/cli instead of vendoring this tao')
    .option('--no-install', 'do not run npm install in the new project')
    .addHelpText('after', '\nExamples:\n  tao new -p site              create ./site and install its dependencies (offline when npm\'s cache has them)\n  cd site && tao new -a blog   add apps/blog to the project')
    .action((bare: string | undefined, opts: NewOptions) => {
      const project = opts.project ?? opts.startproject
      const app = opts.app ?? opts.startapp
      if (bare !== undefined && project === undefined && app === undefined) throw taoError('TAO_ERR_CLI_NEW_KIND', [bare])
      if (bare !== undefined || (project === undefined) === (app === undefined)) {
        throw taoError('TAO_ERR_CLI_INVALID_NAME', ['project or app', bare ?? '', 'give exactly one of -p NAME or -a NAME'])
      }
      if (project !== undefined) newProject(project, opts)
      else newApp(app!)
    })
}
