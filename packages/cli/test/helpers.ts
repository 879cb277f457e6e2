import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The real `tao` binary of this checkout. */
export const bin = fileURLToPath(new URL('../bin/tao.js', import.meta.url))

export interface Run { status: number | null, stdout: string, stderr: string }

/** Runs `tao ARGS` in `cwd` to completion. */
export function tao (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** A long-running `tao` process and the address it announced. */
export interface Server { child: ChildProcess, address: string, output: () => string, exited: Promise<number | null> }

/** Starts `tao ARGS` and waits for its "serving <address>" line (or fails after `timeout` ms). */
export async function startTao (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 60_000): Promise<Server> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`tao ${args.join(' ')} did not start:\n${out}`)) }, timeout)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /tao: serving (http:\/\/\S+|\/\S+)/.exec(out)
      if (m) { clearTimeout(timer); resolve(m[1]!) }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`tao ${args.join(' ')} exited with ${code}:\n${out}`)) })
  })
  return { child, address, output: () => out, exited }
}

/** Polls `check` until it returns true (bounded by `timeout` ms). */
export async function until (check: () => Promise<boolean>, timeout = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeout
  while (Date.now() < end) {
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/**
 * A copy of a core test fixture project in a temporary folder, its node_modules/@tao linked to
 * this checkout's packages, for commands that only need a project (not an installed one).
 * Remove it with the returned `cleanup`.
 */
export function fixtureCopy (name: string, prefix = 'tao-fixture-'): { root: string, cleanup: () => void } {
  const repo = fileURLToPath(new URL('../../../', import.meta.url))
  const root = mkdtempSync(join(tmpdir(), prefix))
  cpSync(join(repo, 'packages/core/test/fixtures', name), root, { recursive: true })
  writeFileSync(join(root, 'package.json'), '{ "type": "module", "private": true }\n')
  mkdirSync(join(root, 'node_modules'))
  symlinkSync(join(repo, 'node_modules', '@tao'), join(root, 'node_modules', '@tao'))
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

// The files every buildable test project has: a secret key, production settings on the
// in-memory store, and a tsconfig `tao build` compiles to build/.
const BUILDABLE: Record<string, string> = {
  'package.json': '{ "name": "site", "private": true, "type": "module" }\n',
  '.env': 'TAO_SECRET_KEY=5b8e0c1d2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e\n',
  'settings.ts': "import { defineSettings } from '@tao/core'\n\nexport default defineSettings({ debug: false, allowedHosts: ['127.0.0.1'], database: { url: 'memory' } })\n",
  'tsconfig.json': JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], strict: true, skipLibCheck: true, rootDir: '.', outDir: 'build', noEmit: true },
    include: ['settings.ts', 'apps/**/*.ts', '.tao/*.d.ts'],
  }),
}

/**
 * A project `tao build` can build, in a temporary folder: the common files plus `files`, with
 * node_modules linked to this checkout's (typescript, @types/node and @tao/*). Remove it with
 * the returned `cleanup`.
 */
export function buildableProject (prefix: string, files: Record<string, string>): { root: string, cleanup: () => void } {
  const repo = fileURLToPath(new URL('../../../', import.meta.url))
  const root = mkdtempSync(join(tmpdir(), prefix))
  for (const [rel, text] of Object.entries({ ...BUILDABLE, ...files })) {
    mkdirSync(join(root, rel, '..'), { recursive: true })
    writeFileSync(join(root, rel), text)
  }
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'))
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}
