// The part of autocannon's API the load tests use (the package ships no types).
declare module 'autocannon' {
  interface Options {
    url: string
    socketPath?: string
    connections?: number
    duration?: number
    timeout?: number
    headers?: Record<string, string>
  }
  interface Result {
    requests: { sent: number, total: number }
    errors: number
    timeouts: number
    non2xx: number
  }
  interface Instance extends PromiseLike<Result> {
    on (event: 'response', listener: (client: unknown, status: number) => void): this
    on (event: 'reqError', listener: (err: Error & { code?: string }) => void): this
    stop (): void
  }
  function autocannon (opts: Options): Instance
  export default autocannon
}
