import { spawnSync } from 'node:child_process'
import { relative, resolve } from 'node:path'
import type { Command } from 'commander'
import { taoError } from '@tao/core'
import { cliDir, coreDir, isProject, scaffoldDir } from '../paths.js'
import { assertName, newSecretKey, scaffold } from '../scaffold.js'

interface NewOptions {
  project?: string
  startproject?: string
  app?: string
  startapp?: string
  taoVersion?: string
  install: boolean
}

function newProject (name: string, opts: NewOptions): void {
  assertName('project', name)
  const target = resolve(name)
  const dep = (dir: string) => (opts.taoVersion ? `^${opts.taoVersion}` : `file:${dir}`)
  const vars = {
    project_name: name,
    tao_core: dep(coreDir()),
    tao_cli: dep(cliDir.replace(/\/$/, '')),
  }
  const created = scaffold(scaffoldDir('project'), target, vars, {
    '.env': `# Local settings for ${name}. Never commit this file.\nTAO_SECRET_KEY=${newSecretKey()}\n`,
    '.env.example': '# Copy to .env and fill in. Make a key with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))"\nTAO_SECRET_KEY=\n',
  })
  const shown = relative(process.cwd(), target) || '.'
  for (const file of created) process.stdout.write(`created ${shown}/${file}\n`)
  if (opts.install) {
    process.stdout.write(`installing dependencies (npm install in ${shown}) ...\n`)
    const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: target, stdio: ['ignore', 'inherit', 'inherit'] })
    if (npm.status !== 0) {
      process.stderr.write(`tao: npm install failed in ${shown}; the project is there: fix the cause and run \`npm install\` in it.\n`)
      process.exitCode = 1
      return
    }
  }
  process.stdout.write(`\nProject ${name} is ready. Next:\n  cd ${shown}${opts.install ? '' : ' && npm install'} && npm start\n`)
}

function newApp (name: string): void {
  assertName('app', name)
  const root = process.cwd()
  if (!isProject(root)) throw taoError('TAO_ERR_CLI_NOT_A_PROJECT', [root])
  const target = resolve(root, 'apps', name)
  const created = scaffold(scaffoldDir('app'), target, { app_name: name, name })
  for (const file of created) process.stdout.write(`created apps/${name}/${file}\n`)
  process.stdout.write(`\nApp ${name} is ready at /${name}/. Next:\n  npm start   (then open http://127.0.0.1:8080/${name}/)\n`)
}

/** `tao new -p NAME` / `tao new -a NAME`. */
export function registerNew (program: Command): void {
  program.command('new')
    .description('create a project (-p NAME) in a new folder, or an app (-a NAME) inside the current project')
    .option('-p, --project <name>', 'create a project in ./NAME')
    .option('--startproject <name>', 'same as --project')
    .option('-a, --app <name>', 'create an app in apps/NAME of the current project')
    .option('--startapp <name>', 'same as --app')
    .option('--tao-version <version>', 'depend on this registry version of @tao/core and @tao/cli instead of this checkout')
    .option('--no-install', 'do not run npm install in the new project')
    .addHelpText('after', '\nExamples:\n  tao new -p site       create ./site and install its dependencies\n  cd site && tao new -a blog   add apps/blog to the project')
    .action((opts: NewOptions) => {
      const project = opts.project ?? opts.startproject
      const app = opts.app ?? opts.startapp
      if ((project === undefined) === (app === undefined)) {
        throw taoError('TAO_ERR_CLI_INVALID_NAME', ['project or app', '', 'give exactly one of -p NAME or -a NAME'])
      }
      if (project !== undefined) newProject(project, opts)
      else newApp(app!)
    })
}
