import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Plugin } from 'esbuild'
import { builtinAppModules } from '@tao/core'
import { BUNDLE_DIR, BUNDLE_MAIN, BUNDLE_STAMP, stampOf } from './find.js'

/**
 * Packages left out of the bundle and loaded from node_modules when asked for: tao's
 * TypeScript tooling (a built start never loads it), and optional packages of the driver and
 * of ws that are required inside try blocks when installed. (Native addons too: below.)
 */
const EXTERNAL = [
  'tsx', 'esbuild', 'typescript', 'fsevents',
  'kerberos', 'snappy', '@mongodb-js/zstd', 'mongodb-client-encryption', 'aws4', 'socks', 'gcp-metadata', '@aws-sdk/credential-providers',
  'bufferutil', 'utf-8-validate',
]

/** A package folder's root (its package.json's folder under a node_modules), or null. */
function packageRoot (file: string): string | null {
  const at = file.lastIndexOf(`${sep}node_modules${sep}`)
  if (at === -1) return null
  const rest = file.slice(at + 14).split(sep)
  return file.slice(0, at + 14) + (rest[0]!.startsWith('@') ? join(rest[0]!, rest[1] ?? '') : rest[0])
}

/**
 * Packages with a native addon (a binding.gyp or prebuilt binaries) stay outside the bundle,
 * wherever they are installed (nested ones too): bundled JavaScript could not find their
 * binaries. Each is required by its resolved file, relative to the bundle inside the project.
 */
function nativeAddons (root: string, outdir: string): Plugin {
  const native = new Map<string, boolean>()
  const isNative = (pkg: string): boolean => {
    let yes = native.get(pkg)
    if (yes === undefined) native.set(pkg, yes = ['binding.gyp', 'prebuilds'].some((f) => existsSync(join(pkg, f))))
    return yes
  }
  const inner = Symbol('resolving')
  return {
    name: 'tao-native-addons',
    setup (build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === inner || args.path.startsWith('node:')) return undefined
        const found = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: inner })
        const pkg = found.errors.length === 0 && !found.external ? packageRoot(found.path) : null
        if (pkg === null || !isNative(pkg)) return undefined
        const url = urlFrom(root, outdir, found.path)
        return { path: url.startsWith('file:') ? found.path : url, external: true }
      })
    },
  }
}

/** Every compiled module of the project in build/ (its tests, templates and bundle aside). */
function projectModules (build: string): string[] {
  return readdirSync(build, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.m?js$/.test(e.name) && !/\.(test|spec)\.m?js$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !relative(build, f).split(sep).some((part) => part.startsWith('.') || part === 'test' || part === 'tests' || part === 'node_modules'))
    .sort()
}

/**
 * `p` as a URL relative to the bundle's folder when it is inside the project (a project moved
 * with its node_modules still runs), else absolute (a package linked from elsewhere).
 */
function urlFrom (root: string, outdir: string, p: string): string {
  if (relative(root, p).startsWith('..')) return pathToFileURL(p).href
  const rel = relative(outdir, p).split(sep).map(encodeURIComponent).join('/')
  return rel.startsWith('.') ? rel : `./${rel}`
}

// The bundle runs as a CommonJS function (run.ts gives it `require`, `__filename` ...); these
// give the original files' places (below), resolved from where the bundle is.
const BANNER = [
  "const { fileURLToPath: __taoFileURLToPath, pathToFileURL: __taoPathToFileURL } = require('node:url')",
  'const __taoBase = __taoPathToFileURL(__filename)',
  'const __taoUrl = (p) => new URL(p, __taoBase).href',
  'const __taoPath = (p) => __taoFileURLToPath(new URL(p, __taoBase))',
  'const __taoBuiltin = (name) => { const m = require(name); return { ...m, default: m } }',
  "const __taoResolve = (p, specifier) => __taoPathToFileURL(require('node:module').createRequire(__taoPath(p)).resolve(specifier)).href",
].join(';\n')

// import('os'), import('node:fs') ...: a dynamic import of a Node module would need an ES
// module loader in run.ts's script (an experimental vm option in Node 20); require gives it.
const BUILTIN_IMPORT = new RegExp(`\\bimport\\((["'])((?:node:)?(?:${builtinModules.join('|')}))\\1\\)`, 'g')

/**
 * Code that finds files next to itself keeps finding them in the bundle: `import.meta.url`
 * (its dirname, filename, resolve()) and CommonJS `__dirname`, `__filename` are replaced by the
 * original file's place, relative to the bundle, so a project moved with its node_modules
 * still runs. (@tao/core finds its built-in apps' templates this way.)
 */
function originalPlaces (root: string, outdir: string): Plugin {
  return {
    name: 'tao-original-places',
    setup (build) {
      build.onLoad({ filter: /\.[cm]?js$/ }, (args) => {
        // This file holds the patterns themselves, and never runs from a bundle.
        if (args.path === fileURLToPath(import.meta.url)) return undefined
        const text = readFileSync(args.path, 'utf8')
        const meta = text.includes('import.meta.')
        const builtins = text.search(BUILTIN_IMPORT) !== -1
        const cjsPaths = /\b__(dirname|filename)\b/.test(text) && !/\b(const|let|var|function)\s+__(dirname|filename)\b/.test(text)
        if (!meta && !cjsPaths && !builtins) return undefined
        const file = JSON.stringify(urlFrom(root, outdir, args.path))
        const dir = JSON.stringify(urlFrom(root, outdir, dirname(args.path)))
        let contents = text
          .replaceAll('import.meta.url', `__taoUrl(${file})`)
          .replaceAll('import.meta.resolve(', `__taoResolve(${file}, `)
          .replaceAll('import.meta.filename', `__taoPath(${file})`)
          .replaceAll('import.meta.dirname', `__taoPath(${dir})`)
          .replace(BUILTIN_IMPORT, (_, quote: string, name: string) => `Promise.resolve().then(() => __taoBuiltin(${quote}${name}${quote}))`)
        if (cjsPaths) contents = `var __dirname = __taoPath(${dir}), __filename = __taoPath(${file});\n${contents}`
        return { contents, loader: 'js' }
      })
    },
  }
}

/**
 * Writes build/.tao-server/: one script of tao's CLI, @tao/core, the packages they use and the
 * project's compiled modules, so that `tao start` compiles one file (from V8's code cache after
 * the first start: run.ts) instead of loading over a thousand modules. The project's modules
 * are registered by path (with the built-in apps' and `packageModules`, those of installed app
 * packages): tao imports them from the bundle (useBundledModules). Returns the number of
 * modules bundled.
 */
export async function bundleServer (root: string, build: string, packageModules: string[] = []): Promise<number> {
  const { build: esbuild } = await import('esbuild')
  const outdir = join(build, BUNDLE_DIR)
  rmSync(outdir, { recursive: true, force: true })
  const modules = [...projectModules(build), ...builtinAppModules(), ...packageModules]
  const core = fileURLToPath(import.meta.resolve('@tao/core'))
  const program = fileURLToPath(new URL('../program.js', import.meta.url))
  const entry = join(build, '.tao-server-entry.cjs')
  // The paths in the table are resolved where the bundle runs, by the banner's __taoPath.
  const table = modules.map((f) => `  [__taoPath(${JSON.stringify(urlFrom(root, outdir, f))}), () => import(${JSON.stringify(f)})],`)
  writeFileSync(entry, [
    '// Generated by `tao build`: the entry of the server bundle. Do not edit.',
    `const { useBundledModules } = require(${JSON.stringify(core)})`,
    `const { runAndExit } = require(${JSON.stringify(program)})`,
    'useBundledModules([',
    ...table,
    '])',
    '// run.ts waits for the start, then saves the code cache.',
    'module.exports = runAndExit(process.argv)',
    '',
  ].join('\n'))
  try {
    const result = await esbuild({
      entryPoints: [entry],
      outfile: join(outdir, BUNDLE_MAIN),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external: EXTERNAL,
      banner: { js: BANNER },
      plugins: [nativeAddons(root, outdir), originalPlaces(root, outdir)],
      metafile: true,
      logLevel: 'error',
      legalComments: 'none',
    })
    writeFileSync(join(outdir, BUNDLE_STAMP), JSON.stringify({ stamp: stampOf(root) }) + '\n')
    return Object.keys(result.metafile.inputs).length
  } finally {
    rmSync(entry, { force: true })
  }
}
