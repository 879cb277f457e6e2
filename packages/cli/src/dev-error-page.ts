import { createServer } from 'node:http'
import { relative } from 'node:path'
import { renderBootErrorPage } from '@tao/core'

/** Set by `tao dev` for its child: a failed boot then serves the error instead of exiting. */
export const DEV_CHILD_ENV = 'TAO_DEV_CHILD'

/**
 * Serves the boot error page (Youch, from @tao/core: the project's failing line first) on the
 * address the project would have used, until `tao dev` restarts this process after the next
 * change. Prints a "serving" line like a working server does.
 */
export async function serveBootError (err: unknown, root: string, port: number, host: string): Promise<void> {
  const page = await renderBootErrorPage(err, root)
  const server = createServer((_req, res) => {
    res.writeHead(500, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': page.contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
    }).end(page.html)
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve))
  const address = server.address()
  const shown = typeof address === 'object' && address ? `http://${host}:${address.port}` : String(address)
  const place = page.place ? ` in ${relative(root, page.place.file)}:${page.place.line}` : ''
  process.stderr.write(`tao dev: the project failed to start${place}:\n${err instanceof Error ? err.message : String(err)}\n`)
  process.stdout.write(`tao: serving ${shown} (error page: fix the code and tao dev restarts the server)\n`)
  const stop = () => server.close(() => process.exit(0))
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  await new Promise(() => {})
}
