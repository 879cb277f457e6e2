import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { relative } from 'node:path'

/** Set by `tao dev` for its child: a failed boot then serves the error instead of exiting. */
export const DEV_CHILD_ENV = 'TAO_DEV_CHILD'

/** What went wrong at boot, with the place in the user's code when one is named. */
export interface BootProblem {
  message: string
  file?: string
  line?: number
  column?: number
  /** Lines around `line`: [number, text, isTheLine]. */
  frame?: Array<[number, string, boolean]>
}

// esbuild (through tsx) and Node name the place as /abs/file.ts:LINE:COLUMN.
const PLACE = /(\/[^\s:'"()]+\.(?:ts|mts|cts|js|mjs|cjs|json)):(\d+):(\d+)/

/** The message of `err` and the first file:line:column it names under `root`, with a code frame. */
export function describeBootError (err: unknown, root: string): BootProblem {
  const message = err instanceof Error ? err.message : String(err)
  const text = `${message}\n${err instanceof Error ? err.stack ?? '' : ''}`
  const places = [...text.matchAll(new RegExp(PLACE, 'g'))].filter((m) => m[1]!.startsWith(root) && !m[1]!.includes('/node_modules/'))
  const m = places[0]
  if (!m || !existsSync(m[1]!)) return { message }
  const line = Number(m[2])
  const lines = readFileSync(m[1]!, 'utf8').split('\n')
  const from = Math.max(1, line - 3)
  const to = Math.min(lines.length, line + 3)
  const frame: Array<[number, string, boolean]> = []
  for (let n = from; n <= to; n++) frame.push([n, lines[n - 1]!, n === line])
  return { message, file: relative(root, m[1]!), line, column: Number(m[3]), frame }
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The error page: the message, the file and line, and the code around it. Reloads itself every 2 s. */
export function renderBootError (p: BootProblem): string {
  const where = p.file ? `<p class="where"><strong>${escape(p.file)}</strong>, line ${p.line}${p.column === undefined ? '' : `, column ${p.column}`}</p>` : ''
  const frame = p.frame
    ? `<pre class="frame">${p.frame.map(([n, text, hit]) => `<span${hit ? ' class="hit"' : ''}>${String(n).padStart(4)} | ${escape(text)}</span>`).join('\n')}</pre>`
    : ''
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>tao dev: the project does not compile</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#222}h1{color:#b00020;font-size:1.4rem}
pre{background:#f6f6f6;padding:1rem;overflow:auto}.frame .hit{background:#ffe0e0;display:inline-block;width:100%}</style>
</head><body>
<h1>The project does not compile</h1>
${where}${frame}<pre class="message">${escape(p.message)}</pre>
<p>Fix the file and save: <code>tao dev</code> restarts the server, and this page reloads by itself.</p>
</body></html>
`
}

/**
 * Serves the error page on the address the project would have used, until `tao dev` restarts
 * this process after the next change. Prints a "serving" line like a working server does.
 */
export async function serveBootError (err: unknown, root: string, port: number, host: string): Promise<void> {
  const problem = describeBootError(err, root)
  const page = renderBootError(problem)
  const server = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page)
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve))
  const address = server.address()
  const shown = typeof address === 'object' && address ? `http://${host}:${address.port}` : String(address)
  const place = problem.file ? ` in ${problem.file}:${problem.line}` : ''
  process.stderr.write(`tao dev: the project failed to start${place}:\n${problem.message}\n`)
  process.stdout.write(`tao: serving ${shown} (error page: fix the code and tao dev restarts the server)\n`)
  const stop = () => server.close(() => process.exit(0))
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  await new Promise(() => {})
}
