import autocannon from 'autocannon'

/** What a load run saw, from the client's side. */
export interface LoadResult {
  /** Requests autocannon wrote, including attempts on connections the server refused. */
  sent: number
  /** Responses by status code. */
  byStatus: Record<number, number>
  /** Client errors by code ('timeout' for requests that got no answer in time). */
  errors: Record<string, number>
  /** 2xx responses. */
  ok: number
  /**
   * Failed requests among those the server accepted: every non-2xx response and every error
   * except connection attempts refused (`allowRefused`, after a single server stopped listening).
   */
  failed: number
}

/** Options of {@link underLoad}. */
export interface LoadOptions {
  /** `http://host:port/path`, or a path with `socketPath`. */
  url: string
  socketPath?: string
  connections?: number
  /** Upper bound of the run in seconds; it stops earlier once `during` has finished. */
  seconds?: number
  /** Count ECONNREFUSED/ENOENT as not failed: nothing listens any more, nothing was accepted. */
  allowRefused?: boolean
}

/**
 * Runs autocannon against a server while `during()` does something to it (send a signal …),
 * then stops the load and returns the counts.
 */
export async function underLoad (opts: LoadOptions, during: () => Promise<void>): Promise<LoadResult> {
  const byStatus: Record<number, number> = {}
  const errors: Record<string, number> = {}
  const instance = autocannon({
    url: opts.url,
    ...(opts.socketPath ? { socketPath: opts.socketPath } : {}),
    connections: opts.connections ?? 100,
    duration: opts.seconds ?? 30,
    timeout: 10,
  })
  instance.on('response', (_client, status) => { byStatus[status] = (byStatus[status] ?? 0) + 1 })
  instance.on('reqError', (err) => {
    const code = err.code ?? (err.message === 'request timed out' ? 'timeout' : err.message)
    errors[code] = (errors[code] ?? 0) + 1
  })
  let stop: NodeJS.Timeout | undefined
  const done = during().finally(() => { stop = setTimeout(() => instance.stop(), 200) })
  const [result] = await Promise.all([instance, done.catch(() => {})])
  clearTimeout(stop)
  await done
  const refused = new Set(opts.allowRefused ? ['ECONNREFUSED', 'ENOENT'] : [])
  const ok = Object.entries(byStatus).reduce((n, [s, c]) => n + (Number(s) >= 200 && Number(s) < 300 ? c : 0), 0)
  const failedResponses = Object.entries(byStatus).reduce((n, [s, c]) => n + (Number(s) >= 200 && Number(s) < 300 ? 0 : c), 0)
  const failedErrors = Object.entries(errors).reduce((n, [code, c]) => n + (refused.has(code) ? 0 : c), 0)
  return { sent: result.requests.sent, byStatus, errors, ok, failed: failedResponses + failedErrors }
}

/** One line for the report: sent, answered, failed and the error counts. */
export function describeLoad (what: string, r: LoadResult): string {
  const errs = Object.entries(r.errors).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'
  return `${what}: ${r.sent} requests sent, ${r.ok} answered 2xx, ${r.failed} failed (client errors: ${errs})`
}
