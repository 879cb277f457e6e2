import type { AttemptStore } from '../auth/throttle.js'

/**
 * `store` with every key under `prefix`, and its failures passed through `onError` (which
 * throws what callers should see, e.g. a 503 TaoError naming Redis).
 */
export function namespaced (store: AttemptStore, prefix: string, onError: (err: unknown) => never): AttemptStore {
  return {
    peek: (key) => store.peek(prefix + key).catch(onError),
    hit: (key, windowMs) => store.hit(prefix + key, windowMs).catch(onError),
    clear: (key) => store.clear(prefix + key).catch(onError),
  }
}
