/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) { resolve(); return }
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** Thrown by {@link withTimeout} when the work did not settle in time. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError'
}

/** Settles like `work`, or rejects with a TimeoutError carrying `message` after `ms`. */
export async function withTimeout<T> (work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message)), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Delay before restart number `attempt` (0-based): doubling from `delay`, capped at `maxDelay`. */
export function backoff (attempt: number, delay: number, maxDelay: number): number {
  return Math.min(maxDelay, delay * 2 ** Math.min(attempt, 30))
}

/** A short description of a thrown value, for logs and error messages. */
export function describeError (err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  return String(err)
}
