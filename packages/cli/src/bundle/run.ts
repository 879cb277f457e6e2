import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { constants, Script } from 'node:vm'
import { BUNDLE_CACHE } from './find.js'

/**
 * Runs the server bundle of `tao build` (build/.tao-server/server.cjs) as Node runs a CommonJS
 * module, with V8's code cache: the functions a start compiles are saved after the first start
 * (server.cache) and later starts take them from it instead of parsing and compiling the
 * bundle again (about half of what loading it costs). A cache V8 rejects (another Node, an
 * edited bundle) is made again; one that cannot be written (a read-only build) is skipped.
 */
export async function runServerBundle (file: string): Promise<void> {
  const cacheFile = join(dirname(file), BUNDLE_CACHE)
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(cacheFile)
  } catch {}
  const source = readFileSync(file, 'utf8')
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
    // The packages left out of the bundle (tsx for `--source` ...) are imported as usual.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  })
  const module = { exports: {} as unknown }
  const run = script.runInThisContext() as (...args: unknown[]) => void
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file))
  // The entry exports the start: once the server listens, every function of a start is compiled.
  await module.exports
  if (cachedData !== undefined && !script.cachedDataRejected) return
  try {
    const tmp = `${cacheFile}.${process.pid}`
    writeFileSync(tmp, script.createCachedData())
    renameSync(tmp, cacheFile)
  } catch {}
}
