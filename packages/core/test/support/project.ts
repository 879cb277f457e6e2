// Helpers for tests that need whole projects: fixtures in place, temporary copies (for tests
// that edit files or add symlinks), and raw HTTP requests that send a path byte for byte.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp, type CreateAppOptions, type TaoApp } from '@tao/core'

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))

/** Absolute path of a fixture project. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

/** Creates the app of a project with logging silenced, no environment overrides and an in-memory database. */
export async function projectApp (root: string, opts: CreateAppOptions = {}): Promise<TaoApp> {
  return await createApp({ root, env: {}, ...opts, settings: { logLevel: 'silent', database: { url: 'memory' }, ...opts.settings } })
}

/**
 * A temporary project: a copy of fixture `from` (or an empty folder), plus `files`, with
 * node_modules/@tao linked to the repository's so its modules import '@tao/core' (the same
 * copy the tests import). node_modules is a real folder: tests may add packages to it.
 * Removed by `cleanup()`.
 */
export function tempProject (from: string | null, files: Record<string, string> = {}): { root: string, cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'tao-test-'))
  if (from !== null) cpSync(fixture(from), root, { recursive: true })
  writeFileSync(join(root, 'package.json'), '{ "type": "module", "private": true }\n')
  mkdirSync(join(root, 'node_modules'))
  symlinkSync(join(repoRoot, 'node_modules', '@tao'), join(root, 'node_modules', '@tao'))
  for (const [rel, content] of Object.entries(files)) writeFile(root, rel, content)
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

/** Writes `content` to `root/rel`, creating folders. */
export function writeFile (root: string, rel: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  writeFileSync(join(root, rel), content)
}

/** A response read off the socket. */
export interface RawResponse {
  status: number
  head: string
  body: string
}

/**
 * Sends `GET <path>` exactly as given (no URL normalization, unlike fetch) and reads the
 * whole response. Bounded by a timeout. The socket is not half-closed: Node's HTTP server
 * aborts requests whose client ends its side early.
 */
export function rawGet (port: number, path: string, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no response to ${path} in 10s`)) }, 10_000)
    socket.on('connect', () => socket.write(`${method} ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`, 'latin1'))
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', (err) => { clearTimeout(timer); reject(err) })
    socket.on('close', () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      const head = split === -1 ? text : text.slice(0, split)
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: split === -1 ? '' : text.slice(split + 4) })
    })
  })
}
