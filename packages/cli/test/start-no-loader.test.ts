// Issue 19: `tao start` after `tao build` runs plain JavaScript and never loads a TypeScript
// loader (tsx, esbuild): from the server bundle, or module by module with --no-bundle. A module
// hook in the server process records every module it resolves; `tao start --source`, which
// does need tsx, shows that the hook sees it.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, test } from 'node:test'
import { buildableProject, startTao, tao } from './helpers.js'

const FILES: Record<string, string> = {
  'apps/blog/routes.ts': "import { route } from '@tao/core'\n\nexport const prefix = '/blog'\nexport default [route('GET', '/', async () => ({ typed: 'yes' as const }), 'index')]\n",
  // Records, from Node's module hooks thread, every module the process resolves.
  'hooks.mjs': "import { appendFileSync } from 'node:fs'\nexport async function resolve (specifier, context, next) {\n  const r = await next(specifier, context)\n  appendFileSync(process.env.TAO_TEST_RESOLVED, r.url + '\\n')\n  return r\n}\n",
  'register.mjs': "import { register } from 'node:module'\nregister('./hooks.mjs', import.meta.url)\n",
}

const { root, cleanup } = buildableProject('tao-start-no-loader-', FILES)
after(cleanup)

before(() => {
  const built = tao(['build'], root)
  assert.equal(built.status, 0, built.stdout + built.stderr)
})

/** The modules a `tao start` (with `args`) resolved until it served /blog/. */
async function resolvedBy (args: string[]): Promise<string[]> {
  const log = join(root, `resolved-${args.join('') || 'build'}.txt`)
  writeFileSync(log, '')
  const server = await startTao(['start', '--port', '0', ...args], root, {
    NODE_OPTIONS: `--import ${pathToFileURL(join(root, 'register.mjs')).href}`,
    TAO_TEST_RESOLVED: log,
  })
  try {
    const res = await fetch(`${server.address}/blog/`)
    assert.deepEqual(await res.json(), { typed: 'yes' })
  } finally {
    server.child.kill('SIGTERM')
  }
  assert.equal(await server.exited, 0)
  return readFileSync(log, 'utf8').split('\n').filter(Boolean)
}

const loader = (url: string) => /\/node_modules\/(tsx|esbuild|@esbuild|get-tsconfig)\//.test(url) || /\.ts$/.test(url)

test('tao start of a build runs its server bundle: no TypeScript loader, no module loaded one by one', async () => {
  assert.ok(existsSync(join(root, 'build', '.tao-server', 'server.cjs')))
  const modules = await resolvedBy([])
  assert.deepEqual(modules.filter(loader), [])
  // What Node's module loader still sees: its built-ins, the hook, and the few files of the CLI
  // that find and run the bundle; the project, @tao/core and every package come from the bundle.
  const outside = modules.filter((u) => !u.startsWith('node:') && !/\/(hooks|register)\.mjs$/.test(u) && !/\/cli\/(bin|dist)\//.test(u))
  assert.deepEqual(outside, [])
  assert.ok(modules.some((u) => u.endsWith('/cli/dist/bundle/run.js')), 'the hook saw the CLI start the bundle')
})

test('tao start --no-bundle runs the build module by module, with no TypeScript loader and no .ts module', async () => {
  const modules = await resolvedBy(['--no-bundle'])
  assert.ok(modules.some((u) => u.endsWith('/build/apps/blog/routes.js')), 'the hook saw the compiled routes')
  assert.deepEqual(modules.filter(loader), [])
})

// Issue 19 point 2: what a project does not use is not loaded at boot. This project has no
// websocket routes or clients, no Redis, no message catalogs, no rate-limited route and boots
// without error, so none of these packages (with their own modules) may be resolved. Seen
// module by module (--no-bundle): the bundle runs the same lazy imports, inside one file.
const UNUSED = ['ioredis', 'ws', 'youch', 'intl-messageformat', '@fastify/rate-limit', '@fastify/websocket', '@fastify/multipart', 'nodemailer', 'marked', 'typebox']

test('tao start loads no package the project does not use', async () => {
  const modules = await resolvedBy(['--no-bundle'])
  const loaded = UNUSED.filter((name) => modules.some((u) => u.includes(`/node_modules/${name}/`)))
  assert.deepEqual(loaded, [])
})

test('tao start --source does load tsx (the check above can fail)', async () => {
  const modules = await resolvedBy(['--source'])
  assert.ok(modules.some((u) => u.includes('/node_modules/tsx/')), 'tsx was resolved')
})
