import { spawn, type ChildProcess } from 'node:child_process'
import { watch } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { DEV_CHILD_ENV } from '../dev-error-page.js'
import { findProject } from '../paths.js'

interface DevOptions {
  port?: string
  host?: string
}

const IGNORED = /(^|\/)(node_modules|\.git|\.tao|var|build|dist|coverage)(\/|$)/
// Templates and static files are re-read on each request in debug mode: no restart for them.
const RELOAD = /\.(ts|mts|js|mjs|json)$|(^|\/)\.env$/
const ASSETS = /(^|\/)(templates|static)\//

/** True when a change to `file` (relative to the project) needs a server restart. */
export function needsRestart (file: string): boolean {
  return !IGNORED.test(file) && !ASSETS.test(file) && RELOAD.test(file)
}

/** `tao dev`: one debug server process, restarted when code changes. */
export function registerDev (program: Command): void {
  program.command('dev')
    .description('run the development server: debug on, restarted when code changes, templates re-read on each request')
    .option('--port <port>', 'port to listen on (default 8080)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .action(async (opts: DevOptions) => {
      const root = findProject()
      const bin = join(import.meta.dirname, '..', '..', 'bin', 'tao.js')
      const args = [bin, 'start', '--source', ...(opts.port ? ['--port', opts.port] : []), ...(opts.host ? ['--host', opts.host] : [])]
      let child: ChildProcess | null = null
      let stopping = false
      const startChild = () => {
        child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, TAO_DEBUG: 'true', [DEV_CHILD_ENV]: '1' } })
      }
      const restart = () => {
        const old = child
        if (!old || old.exitCode !== null) { startChild(); return }
        old.once('exit', startChild)
        old.kill('SIGTERM')
      }
      let timer: NodeJS.Timeout | undefined
      const watcher = watch(root, { recursive: true }, (_event, file) => {
        if (!file || !needsRestart(file.toString())) return
        clearTimeout(timer)
        timer = setTimeout(() => {
          process.stdout.write(`tao dev: ${file.toString()} changed, restarting\n`)
          restart()
        }, 150)
      })
      const stop = () => {
        if (stopping) return
        stopping = true
        watcher.close()
        clearTimeout(timer)
        if (child && child.exitCode === null) child.once('exit', () => process.exit(0)).kill('SIGTERM')
        else process.exit(0)
      }
      process.on('SIGTERM', stop)
      process.on('SIGINT', stop)
      startChild()
      await new Promise(() => {})
    })
}
